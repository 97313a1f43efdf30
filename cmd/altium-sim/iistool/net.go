package iistool

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/host"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simdb"
	"github.com/vaultkeeper/vaultkeeper/cmd/altium-sim/simtool"
)

func helpmsg(env simtool.Env, msg string, n int) int {
	fmt.Fprintf(env.Stdout, "%s\n\nMore help is available by typing NET HELPMSG %d.\n\n", msg, n)
	return 2
}

// Net runs `net` with argv and returns its exit code.
func Net(env simtool.Env, argv []string) int {
	yes := false
	var words []string
	for _, a := range argv {
		switch strings.ToLower(a) {
		case "/y", "/yes":
			yes = true
		case "/n", "/no":
		default:
			words = append(words, a)
		}
	}
	if len(words) < 2 || (!strings.EqualFold(words[0], "start") && !strings.EqualFold(words[0], "stop")) {
		fmt.Fprintln(env.Stdout, "The syntax of this command is:\n\nNET\n    [ ACCOUNTS | COMPUTER | CONFIG | CONTINUE | FILE | GROUP | HELP |\n      HELPMSG | LOCALGROUP | PAUSE | SESSION | SHARE | START |\n      STATISTICS | STOP | TIME | USE | USER | VIEW ]")
		return 1
	}
	name := host.ServiceName(strings.Join(words[1:], " "))
	if name == "" {
		return helpmsg(env, "The service name is invalid.", 2185)
	}
	code := 0
	err := env.Host.WithLock(func(db *simdb.DB) error {
		iis, err := env.Host.ReadIIS()
		if err != nil {
			return err
		}
		if strings.EqualFold(words[0], "start") {
			code = start(env, iis, name)
		} else {
			code = stop(env, iis, name, yes)
		}
		if err := env.Host.WriteIIS(iis); err != nil {
			return err
		}
		return syncSessions(env.Host, db, iis)
	})
	if err != nil {
		fmt.Fprintf(env.Stderr, "System error 1058 has occurred.\n\n%v\n", err)
		return 2
	}
	return code
}

func start(env simtool.Env, iis *host.IIS, name string) int {
	if iis.Running[name] {
		return helpmsg(env, "The requested service has already been started.", 2182)
	}
	for _, s := range iis.Start(name) {
		if s != name {
			continue // dependencies start silently
		}
		d := host.DisplayName(s)
		fmt.Fprintf(env.Stdout, "The %s service is starting.\nThe %s service was started successfully.\n\n", d, d)
	}
	return 0
}

func stop(env simtool.Env, iis *host.IIS, name string, yes bool) int {
	d := host.DisplayName(name)
	if !iis.Running[name] {
		return helpmsg(env, "The "+d+" service is not started.", 3521)
	}
	var deps []string
	for _, sv := range host.Services {
		if sv.DependsOn == name && iis.Running[sv.Name] {
			deps = append(deps, sv.Display)
		}
	}
	if len(deps) > 0 {
		fmt.Fprintf(env.Stdout, "The following services are dependent on the %s service.\nStopping the %s service will also stop these services.\n\n", d, d)
		for _, dep := range deps {
			fmt.Fprintf(env.Stdout, "   %s\n", dep)
		}
		fmt.Fprintln(env.Stdout)
		if !yes {
			fmt.Fprint(env.Stdout, "Do you want to continue this operation? (Y/N) [N]: ")
			ans := ""
			if env.Stdin != nil {
				ans, _ = bufio.NewReader(env.Stdin).ReadString('\n')
			}
			if !strings.EqualFold(strings.TrimSpace(ans), "y") {
				fmt.Fprintln(env.Stdout)
				return 2
			}
		}
	}
	for _, s := range iis.Stop(name) {
		sd := host.DisplayName(s)
		fmt.Fprintf(env.Stdout, "The %s service is stopping.\nThe %s service was stopped successfully.\n\n", sd, sd)
	}
	return 0
}

// syncSessions makes the application's sessions follow IIS at once (the next Tick would
// do it too): a stopped site closes its connections.
func syncSessions(h host.Host, db *simdb.DB, iis *host.IIS) error {
	lv, err := host.ReadLocalVault(h.LocalVault())
	if err != nil {
		return nil
	}
	u := db.User(lv.User)
	if u == nil || iis.AppRunning() || u.Sessions < iis.AppSessions {
		return nil
	}
	u.Sessions -= iis.AppSessions
	return db.Save()
}
