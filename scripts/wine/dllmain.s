# DllMain of the test-only bcryptprimitives.dll (see bcryptprimitives.def): nothing to set up.
	.text
	.globl DllMain
DllMain:
	movl $1, %eax
	ret
