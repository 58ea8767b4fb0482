/* ioctl(2): no device in a Duet guest answers one (ENOTTY), but programs
 * include this and probe terminals with it (guest/posix/process.c). */
#ifndef DUET_SYS_IOCTL_H
#define DUET_SYS_IOCTL_H

#define TIOCGWINSZ 0x5413
#define FIONREAD 0x541b
#define FIONBIO 0x5421

struct winsize {
    unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};

int ioctl(int fd, unsigned long request, ...);
#endif
