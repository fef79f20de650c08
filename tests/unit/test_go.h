/* test_go.h: where the unit tests find the go command of Go 1.NN: Debian's
 * /usr/lib/go-1.NN/bin/go (1.19, 1.21-1.26), else the wrapper ./quickstart writes for the Go
 * that Debian does not package (1.27: /usr/local/lib/gomemtrace/go-1.27/bin/go; see
 * tests/e2e/lib.sh gm_go_path). */
#ifndef GM_TEST_GO_H
#define GM_TEST_GO_H
#include <stdio.h>
#include <unistd.h>

/* The same lookup as a shell snippet, setting $go from $v. */
#define GM_TEST_GO_SH "go=/usr/lib/go-$v/bin/go; [ -x $go ] || go=/usr/local/lib/gomemtrace/go-$v/bin/go;"

/* The go command of version v (a rotating static buffer: valid for the next 3 calls). */
static inline const char *gm_test_go(const char *v)
{
	static char p[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "/usr/lib/go-%s/bin/go", v);
	if (access(p[k], X_OK) != 0)
		snprintf(p[k], sizeof p[k], "/usr/local/lib/gomemtrace/go-%s/bin/go", v);
	return p[k];
}
#endif
