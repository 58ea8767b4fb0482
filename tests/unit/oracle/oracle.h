/* Values from Linux's arm64 uAPI headers (kvm_uapi_oracle.c), by name. */
#ifndef DUET_ORACLE_H
#define DUET_ORACLE_H

struct oracle_value {
    const char *name;
    unsigned long long value;
};

extern const struct oracle_value oracle_core[];     /* x0.. fpcr, by duet names */
extern const struct oracle_value oracle_sysregs[];  /* sysregs.def through ARM64_SYS_REG */
extern const struct oracle_value oracle_named[];    /* timer, firmware, demux ids */
extern const struct oracle_value oracle_fields[];   /* field macros, KVM_IRQ_LINE layout */

#endif
