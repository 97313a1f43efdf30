--
-- Copyright (c) 1988, 2003, Oracle Corporation.  All Rights Reserved.
--
-- NAME
--   glogin.sql
--
-- DESCRIPTION
--   SQL*Plus global login "site profile" file
--
--   Add any SQL*Plus commands here that are to be executed when a
--   user starts SQL*Plus, or uses the SQL*Plus CONNECT command
--
-- USAGE
--   This script is automatically run
--

-- Used for the SHOW ERRORS command
COLUMN LINE/COL FORMAT A8
COLUMN ERROR    FORMAT A65  WORD_WRAPPED

define _editor=vi
SET TIMING ON;
SET SERVEROUTPUT ON;
SET SQLPROMPT "_USER'@'_CONNECT_IDENTIFIER>"
SET PAGESIZE 100 FEEDBACK ON HEADING ON AUTOTRACE ON
PROMPT Connected: production database, be careful
select 1 from dual;
