/* The taps behind network devices: one queue per device, non-blocking, virtio-net headers. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include "devices/net/net_dev.h"
#include "duet/hypercall.h"
#include "lib/device_name.h"
#include "lib/errmsg.h"
#include "lib/strict_num.h"

/* Linux accepts any interface name without '/', ':', whitespace, "." or "..". */
static int valid_ifname(const char *s, size_t n)
{
    if (n == 0 || n > NET_IFNAME_MAX || (n == 1 && s[0] == '.') ||
        (n == 2 && s[0] == '.' && s[1] == '.'))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/' || s[i] == ':' || s[i] == ',' || (unsigned char)s[i] <= ' ')
            return 0;
    return 1;
}

int net_spec_parse(struct net_spec *s, const char *arg, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : 0;
    if (!eq || !device_name_ok(arg, n))
        return errmsg(err, errlen, "--net wants NAME=TAP (NAME 1..%d of a-z 0-9 _)", NET_NAME_MAX);
    memcpy(s->name, arg, n);
    const char *tap = eq + 1;
    const char *opt = strchr(tap, ',');
    size_t tlen = opt ? (size_t)(opt - tap) : strlen(tap);
    if (!valid_ifname(tap, tlen))
        return errmsg(err, errlen, "--net:%s: '%.*s' is not an interface name (1..%d bytes, "
                      "no '/', ':', ',' or spaces)", s->name, (int)tlen, tap, NET_IFNAME_MAX);
    memcpy(s->ifname, tap, tlen);
    if (!opt)
        return 0;
    uint64_t mtu;
    if (strncmp(opt, ",mtu=", 5))
        return errmsg(err, errlen, "--net:%s: unknown option '%s' (,mtu=68..%d)", s->name,
                      opt + 1, DUET_NET_MTU_MAX);
    if (strict_u64(opt + 5, DUET_NET_MTU_MAX, &mtu) < 0 || mtu < 68)
        return errmsg(err, errlen, "--net:%s: mtu %s is outside 68..%d", s->name, opt + 5,
                      DUET_NET_MTU_MAX);
    s->mtu = (uint32_t)mtu;
    return 0;
}

static int hex(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int net_mac_parse(char name[NET_NAME_MAX + 1], uint8_t mac[6], const char *arg,
                  char *err, size_t errlen)
{
    const char *eq = strchr(arg, '=');
    size_t n = eq ? (size_t)(eq - arg) : 0;
    if (!eq || !device_name_ok(arg, n))
        return errmsg(err, errlen, "--net-mac wants NAME=MAC (e.g. net0=02:00:00:00:00:01)");
    memset(name, 0, NET_NAME_MAX + 1);
    memcpy(name, arg, n);
    const char *m = eq + 1;
    for (int i = 0; i < 6; i++, m += 3) {
        int hi = hex(m[0]), lo = hi < 0 ? -1 : hex(m[1]);
        if (lo < 0 || m[2] != (i == 5 ? '\0' : ':'))
            return errmsg(err, errlen, "--net-mac:%s: '%s' is not a MAC address "
                          "(six hex pairs separated by ':')", name, eq + 1);
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    if (mac[0] & 1)
        return errmsg(err, errlen, "--net-mac:%s: %s is a multicast address", name, eq + 1);
    return 0;
}

static int attach_tap(struct net_dev *d, char *err, size_t errlen)
{
    const char *name = d->spec.name, *tap = d->spec.ifname;
    d->fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (d->fd < 0)
        return errmsg(err, errlen, "net %s: /dev/net/tun: %s%s", name, strerror(errno),
                      errno == ENOENT || errno == ENODEV ? " (is the tun module loaded?)"
                      : errno == EACCES ? " (duet needs read-write access to it)" : "");
    int existed = if_nametoindex(tap) != 0;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, tap, strlen(tap));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    if (ioctl(d->fd, TUNSETIFF, &ifr) == 0) {
        d->created = !existed;
        int hdr = 12; /* struct virtio_net_hdr with num_buffers (VIRTIO_F_VERSION_1) */
        if (ioctl(d->fd, TUNSETVNETHDRSZ, &hdr) < 0)
            return errmsg(err, errlen, "net %s: tap '%s': TUNSETVNETHDRSZ: %s", name, tap,
                          strerror(errno));
        return 0;
    }
    int e = errno;
    if (e == EPERM && !existed)
        return errmsg(err, errlen, "net %s: tap '%s' does not exist and duet may not create it "
                      "(that needs CAP_NET_ADMIN); create it first: "
                      "ip tuntap add %s mode tap user $(id -un)", name, tap, tap);
    if (e == EPERM)
        return errmsg(err, errlen, "net %s: tap '%s' belongs to another user or group "
                      "(ip tuntap add %s mode tap user $(id -un))", name, tap, tap);
    if (e == EBUSY)
        return errmsg(err, errlen, "net %s: tap '%s' is in use by another process", name, tap);
    if (e == EINVAL)
        return errmsg(err, errlen, "net %s: '%s' exists and is not a tap interface", name, tap);
    return errmsg(err, errlen, "net %s: tap '%s': %s", name, tap, strerror(e));
}

/* The tap's MTU, set first when --net asked for one. */
static int tap_mtu(struct net_dev *d, char *err, size_t errlen)
{
    const char *name = d->spec.name, *tap = d->spec.ifname;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return errmsg(err, errlen, "net %s: socket: %s", name, strerror(errno));
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, tap, strlen(tap));
    int rc = 0;
    if (d->spec.mtu) {
        ifr.ifr_mtu = (int)d->spec.mtu;
        if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
            rc = errmsg(err, errlen, "net %s: cannot set the MTU of '%s' to %u: %s%s", name, tap,
                        d->spec.mtu, strerror(errno),
                        errno == EPERM ? " (set it yourself: ip link set TAP mtu N)" : "");
    }
    if (rc == 0 && ioctl(s, SIOCGIFMTU, &ifr) < 0)
        rc = errmsg(err, errlen, "net %s: MTU of '%s': %s", name, tap, strerror(errno));
    close(s);
    if (rc < 0)
        return rc;
    if (ifr.ifr_mtu < 68 || ifr.ifr_mtu > DUET_NET_MTU_MAX)
        return errmsg(err, errlen, "net %s: '%s' has MTU %d; Duet supports 68..%d "
                      "(ip link set %s mtu %d)", name, tap, ifr.ifr_mtu, DUET_NET_MTU_MAX,
                      tap, DUET_NET_MTU_MAX);
    d->mtu = (uint32_t)ifr.ifr_mtu;
    return 0;
}

/* A locally administered unicast address (02:...), random unless given. */
static void choose_mac(struct net_dev *d)
{
    if (d->spec.have_mac) {
        memcpy(d->mac, d->spec.mac, 6);
        return;
    }
    if (getrandom(d->mac, 6, 0) != 6)
        memcpy(d->mac, "\x52\x54\x00\x12\x34\x56", 6);
    d->mac[0] = (uint8_t)((d->mac[0] & 0xfc) | 0x02);
}

int net_open(struct net_dev *d, const struct net_spec *s, unsigned irq, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->spec = *s;
    d->irq = irq;
    if (attach_tap(d, err, errlen) < 0 || tap_mtu(d, err, errlen) < 0) {
        net_close(d);
        return -1;
    }
    choose_mac(d);
    return 0;
}

void net_close(struct net_dev *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
}
