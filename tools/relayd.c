/* relayd.c: relayd URLs and the reachability check before a session streams to one (relayd.h). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tools/relayd.h"

/* A port number in s..end, or -1. */
static int gm_relayd_port(const char *s, const char **end)
{
	char *e;
	long v = strtol(s, &e, 10);
	if (e == s || v <= 0 || v > 65535)
		return -1;
	*end = e;
	return (int)v;
}

int gm_relayd_parse(const char *url, struct gm_relayd_url *u, char *err, size_t errlen)
{
	memset(u, 0, sizeof *u);
	u->ctrl = GM_RELAYD_CTRL_PORT, u->data = GM_RELAYD_DATA_PORT;
	const char *p;
	if (!strncmp(url, "net://", 6))
		p = url + 6;
	else if (!strncmp(url, "net6://", 7))
		p = url + 7, u->ipv6 = 1;
	else {
		snprintf(err, errlen, "'%s' is not a relayd URL: net://HOST[:CTRL_PORT[:DATA_PORT]]", url);
		return -1;
	}
	const char *h = p, *he;
	if (*p == '[') { /* [v6 address] */
		h = p + 1;
		if (!(he = strchr(h, ']'))) {
			snprintf(err, errlen, "'%s': no ']' after the address", url);
			return -1;
		}
		p = he + 1;
	} else {
		he = p + strcspn(p, ":/");
		p = he;
	}
	if (he == h || (size_t)(he - h) >= sizeof u->host) {
		snprintf(err, errlen, "'%s': no host", url);
		return -1;
	}
	memcpy(u->host, h, (size_t)(he - h));
	if (*p == ':' && (u->ctrl = gm_relayd_port(p + 1, &p)) < 0) {
		snprintf(err, errlen, "'%s': bad control port", url);
		return -1;
	}
	if (*p == ':' && (u->data = gm_relayd_port(p + 1, &p)) < 0) {
		snprintf(err, errlen, "'%s': bad data port", url);
		return -1;
	}
	if (*p && strcmp(p, "/")) {
		snprintf(err, errlen, "'%s': unexpected '%s' (a path belongs to the relayd's own -o)", url, p);
		return -1;
	}
	return 0;
}

/* Connect to host:port within timeout_ms. 0, or -1 with err. */
static int gm_relayd_connect(const struct gm_relayd_url *u, int port, int timeout_ms, char *err, size_t errlen)
{
	char ps[16];
	snprintf(ps, sizeof ps, "%d", port);
	struct addrinfo hints = { .ai_family = u->ipv6 ? AF_INET6 : AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	int g = getaddrinfo(u->host, ps, &hints, &res);
	if (g != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", u->host, gai_strerror(g));
		return -1;
	}
	int rc = -1, e = 0;
	for (struct addrinfo *a = res; a && rc != 0; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
			rc = 0;
		} else if (errno == EINPROGRESS) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };
			int n = poll(&pf, 1, timeout_ms);
			socklen_t len = sizeof e;
			if (n == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e == 0)
				rc = 0;
			else if (n == 0)
				e = ETIMEDOUT;
		} else {
			e = errno;
		}
		close(fd);
	}
	freeaddrinfo(res);
	if (rc != 0)
		snprintf(err, errlen, "nothing answers at %s port %d (%s)", u->host, port, strerror(e ? e : ECONNREFUSED));
	return rc;
}

int gm_relayd_reachable(const struct gm_relayd_url *u, int timeout_ms, char *err, size_t errlen)
{
	if (gm_relayd_connect(u, u->ctrl, timeout_ms, err, errlen) != 0)
		return -1;
	return gm_relayd_connect(u, u->data, timeout_ms, err, errlen);
}
