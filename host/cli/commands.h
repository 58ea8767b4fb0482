/* The subcommands of the duet binary; main.c dispatches on argv[1]. */
#ifndef DUET_COMMANDS_H
#define DUET_COMMANDS_H

/* Each returns duet's exit status (see DUET_STATUS_* in hypercall.h). */
int cmd_run(int argc, char **argv);   /* duet run [opts] GUEST.elf [-- args] */
int cmd_regs(int argc, char **argv);  /* duet regs decode|encode|list ... */
int cmd_irq(int argc, char **argv);   /* duet irq decode|encode ... */
int cmd_info(int argc, char **argv);  /* duet info IMAGE: ABI version, declared devices */
int cmd_floor(int argc, char **argv); /* duet floor [--repeat N]: bare-KVM boot floor */
int cmd_timeit(int argc, char **argv); /* duet timeit CMD...: wall time of a process */

#endif
