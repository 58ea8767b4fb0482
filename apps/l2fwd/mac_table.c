/* MAC learning table (see mac_table.h). When full, new addresses are flooded, never lost. */
#include <string.h>
#include "mac_table.h"

struct entry {
    uint8_t mac[6];
    int8_t port;                      /* MAC_UNKNOWN: empty */
};

static struct entry table[MAC_TABLE_SIZE];
static unsigned used;
static int ready;

static unsigned hash(const uint8_t m[6])
{
    uint32_t h = 2166136261u;         /* FNV-1a */
    for (int i = 0; i < 6; i++)
        h = (h ^ m[i]) * 16777619u;
    return h & (MAC_TABLE_SIZE - 1);
}

static struct entry *slot(const uint8_t mac[6], int insert)
{
    if (!ready) {
        for (unsigned i = 0; i < MAC_TABLE_SIZE; i++)
            table[i].port = MAC_UNKNOWN;
        ready = 1;
    }
    for (unsigned i = hash(mac), n = 0; n < MAC_TABLE_SIZE; i = (i + 1) & (MAC_TABLE_SIZE - 1), n++) {
        if (table[i].port == MAC_UNKNOWN)
            return insert && used < MAC_TABLE_SIZE / 2 ? &table[i] : NULL; /* keep probes short */
        if (!memcmp(table[i].mac, mac, 6))
            return &table[i];
    }
    return NULL;
}

int mac_learn(const uint8_t mac[6], int port)
{
    struct entry *e = slot(mac, 1);
    if (!e)
        return 0;
    int fresh = e->port == MAC_UNKNOWN;
    memcpy(e->mac, mac, 6);
    e->port = (int8_t)port;
    used += fresh;
    return fresh;
}

int mac_lookup(const uint8_t mac[6])
{
    struct entry *e = slot(mac, 0);
    return e ? e->port : MAC_UNKNOWN;
}

unsigned mac_count(void)
{
    return used;
}
