/* Which port a MAC address was last seen on: a small open-addressing table. */
#ifndef L2FWD_MAC_TABLE_H
#define L2FWD_MAC_TABLE_H

#include <stdint.h>

#define MAC_TABLE_SIZE 1024           /* entries, a power of two */
#define MAC_UNKNOWN    (-1)

/* Remembers that `mac` lives behind `port`; 1 if it was new. */
int mac_learn(const uint8_t mac[6], int port);
/* The port behind `mac`, or MAC_UNKNOWN. */
int mac_lookup(const uint8_t mac[6]);
unsigned mac_count(void);

#endif
