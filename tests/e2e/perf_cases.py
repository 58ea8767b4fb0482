"""Lab cases for the exit benchmark's rows and the host's memory footprint.

They check facts, not speeds (speeds under emulation are no verdict):
every row prints, hvc_user appears exactly where the kernel has the SMCCC
filter (Linux >= 6.4), a first touch costs more than a store to a mapped
page (else the row measured no fault), and guest RAM gets small pages even
with THP "always" (the lab's setting).
"""
from cases import ShellCase  # noqa: E402  (tests/e2e is on the path)

_KERNEL_AT_LEAST_6_4 = ('v=$(uname -r); maj=${v%%.*}; rest=${v#*.}; min=${rest%%.*}; '
                        'if [ $maj -gt 6 ] || { [ $maj = 6 ] && [ $min -ge 4 ]; }; ')

_P50 = "awk '$1 == \"row\" && $2 == \"%s\" { for (i = 3; i <= NF; i++) " \
       "if ($i ~ /^p50_ns=/) { sub(/p50_ns=/, \"\", $i); print $i } }' /tmp/eb.out"

PERF_SHELL_CASES = [
    ShellCase("exitbench: every row; hvc_user exactly on kernels with the SMCCC filter",
              "./duet run --bench-exits apps/exitbench.duet.elf -- 50 > /tmp/eb.out; st=$?; "
              "cat /tmp/eb.out; [ $st = 0 ] || exit 1; "
              "for r in hvc hypercall floor_mmio_exit mmio_vgic ioeventfd sysreg_trap timer_irq "
              "wfi_wake stage2_fault store_mapped_page inject_irq; do "
              "grep -q \"^row $r n=50 k=\" /tmp/eb.out || { echo \"no row $r\"; exit 1; }; done; "
              + _KERNEL_AT_LEAST_6_4 +
              "then grep -q '^row hvc_user ' /tmp/eb.out; else grep -q '^skip hvc_user ' /tmp/eb.out; fi "
              "|| { echo 'hvc_user does not match the kernel'; exit 1; }; "
              "f=$(" + _P50 % "stage2_fault" + "); m=$(" + _P50 % "store_mapped_page" + "); "
              "echo \"fault_p50=$f mapped_p50=$m\"; [ \"$f\" -gt $((2 * m)) ]",
              0, ["row stage2_fault", "fault_p50="], timeout=240),
    # Without --bench-exits the host sets up neither extra (no SMCCC filter or
    # ioeventfd ioctls at boot): both rows say why they are skipped. --stats
    # splits each exit into KVM_RUN time and the host's own.
    ShellCase("exitbench without --bench-exits skips hvc_user and ioeventfd; --stats splits exits",
              "./duet run --stats apps/exitbench.duet.elf -- 10 > /tmp/eb2.out 2>/tmp/eb2.err; "
              "st=$?; cat /tmp/eb2.out; grep split /tmp/eb2.err; [ $st = 0 ] || exit 1; "
              "grep -q '^skip hvc_user .*--bench-exits' /tmp/eb2.out && "
              "grep -q '^skip ioeventfd .*--bench-exits' /tmp/eb2.out && "
              "grep -q '^row hypercall ' /tmp/eb2.out && "
              "grep -Eq '^duet: split hypercall floor exits=[1-9][0-9]* kvm_run_ns=[1-9][0-9]* "
              "host_ns=[0-9]+$' /tmp/eb2.err && "
              "grep -Eq '^duet: split hypercall walltime exits=[1-9][0-9]* kvm_run_ns=[1-9][0-9]* "
              "host_ns=[1-9][0-9]*$' /tmp/eb2.err",
              0, ["skip hvc_user", "skip ioeventfd", "split hypercall walltime"], timeout=120),
    # --no-vgic: an image that registers handlers runs with no interrupt
    # controller (the bench's exits without the vGIC's state switch): its
    # device tree has no GIC, so the timer rows skip and the hypercall row runs.
    ShellCase("exitbench --no-vgic: no vGIC, timer rows skip, hypercall row runs",
              "./duet run --verbose --no-vgic apps/exitbench.duet.elf -- 20 hypercall timer_irq "
              ">/tmp/nv.out 2>/tmp/nv.err; st=$?; cat /tmp/nv.out; grep vGIC /tmp/nv.err; "
              "[ $st = 0 ] && grep -q '^duet: no vGIC: --no-vgic$' /tmp/nv.err && "
              "! grep -q 'create vGIC' /tmp/nv.err && "
              "grep -q '^row hypercall n=20 ' /tmp/nv.out && grep -q '^row floor_mmio_exit n=20 ' /tmp/nv.out && "
              "grep -q '^skip timer_irq no GIC' /tmp/nv.out",
              0, ["row hypercall", "skip timer_irq no GIC", "no vGIC: --no-vgic"], timeout=120),
    ShellCase("hello's guest RAM gets small pages under THP always; its text is the file's",
              "cat /sys/kernel/mm/transparent_hugepage/enabled; "
              "./duet run --verbose apps/hello.duet.elf 2>/tmp/v.err >/dev/null || exit 1; "
              "grep 'count guest' /tmp/v.err; "
              "n=$(awk '/resident at exit/ {print $NF}' /tmp/v.err); "
              "[ -n \"$n\" ] && [ \"$n\" -gt 0 ] && [ \"$n\" -lt 512 ] || exit 1; "
              # The devices' L2, RAM's L2 and the image's L3 (L1 shares a page
              # with small variables): the rest of RAM is blocks, so no more
              # than three table pages.
              "t=$(awk '/page-table pages/ {print $NF}' /tmp/v.err); "
              "[ -n \"$t\" ] && [ \"$t\" -ge 2 ] && [ \"$t\" -le 3 ] || exit 1; "
              # Text and rodata come from the image file's pages, not copies.
              "m=$(awk '/mapped from the image/ {print $NF}' /tmp/v.err); "
              "[ -n \"$m\" ] && [ \"$m\" -ge 2 ]",
              0, ["[always]", "mapped from the image", "resident at main()", "page-table pages",
                  "resident at exit"]),
    # The GIC is set up at the first interrupt handler (guest/gic.c): hello's
    # only MMIO accesses are its two hypercalls (console, halt), where a
    # vGIC register access would add one each; clock, which sleeps, shows
    # the count sees them (its own verdict is the clock case's). KVM's trace events, in a private trace instance.
    ShellCase("hello touches no vGIC register (KVM trace: MMIO = its 2 hypercalls)",
              "T=/sys/kernel/tracing; [ -d $T/instances ] || mount -t tracefs none $T || exit 1; "
              "I=$T/instances/duet_hello_mmio; rmdir $I 2>/dev/null; mkdir $I || exit 1; "
              "count() { echo > $I/trace; echo 1 > $I/events/kvm/kvm_mmio/enable; "
              "echo 1 > $I/events/kvm/kvm_guest_fault/enable; "
              "./duet run apps/$1.duet.elf >/dev/null 2>&1; echo $? > /tmp/mmio_st; "
              "echo 0 > $I/events/kvm/enable; "
              "echo \"$1 mmio $(grep -c kvm_mmio: $I/trace) guest_aborts $(grep -c kvm_guest_fault: $I/trace)\"; }; "
              "h=$(count hello); hs=$(cat /tmp/mmio_st); c=$(count clock); rmdir $I; "
              "echo \"$h\"; echo \"$c\"; [ \"$hs\" = 0 ] || exit 1; "
              "set -- $h; [ \"$3\" = 2 ] || exit 1; set -- $c; [ \"$3\" -gt 2 ]",
              0, ["hello mmio 2 guest_aborts", "clock mmio"]),
    # RAM ending in a partial GiB past the first: mapped through one more
    # level-2 table (it used to be left out, so the heap's top faulted).
    ShellCase("hello with RAM ending inside its second GiB: one more table, blocks",
              "./duet run --verbose --mem=1100M apps/hello.duet.elf 2>/tmp/v2.err || exit 1; "
              "grep 'page-table pages' /tmp/v2.err; "
              "t=$(awk '/page-table pages/ {print $NF}' /tmp/v2.err); [ \"$t\" = 4 ]",
              0, ["Hello from Duet", "page-table pages"]),
]

# A 52 MiB rootfs (testrun.bigroot_apps) mapped, not copied: a guest that
# touches none of it has the guest RAM pages resident at main() of the same
# program built without it (noroot; a copy into RAM would add ~13000). The
# times of 7 interleaved runs are printed (medians, ratio) but not judged: a
# timed test flakes on a shared machine; the page count is the guard.
_BOOT = ("./duet timeit ./duet run --verbose apps/$a.duet.elf 2>/tmp/rfs.v >/dev/null || exit 1; "
         "t=$(awk '/^timeit_ms/ {print $2}' /tmp/rfs.v); "
         "p=$(awk '/resident at main/ {print $NF}' /tmp/rfs.v); echo \"$a $t $p\" >> /tmp/rfs.t; ")
_MEDIAN = "$(grep '^%s ' /tmp/rfs.t | sort -n -k%d | sed -n 4p | awk '{print $%d}')"
PERF_SHELL_CASES.append(
    ShellCase("rootfs: a 52 MiB tree boots like none (RAM pages resident, time)",
              "rm -f /tmp/rfs.t; ./duet run apps/hello.duet.elf >/dev/null; "
              "./duet run --verbose apps/bigroot.duet.elf 2>&1 >/dev/null | grep 'duet: rootfs:'; "
              "for i in 1 2 3 4 5 6 7; do for a in noroot bigroot; do " + _BOOT + "done; done; "
              "cat /tmp/rfs.t; th=" + _MEDIAN % ("noroot", 2, 2) + "; tb=" + _MEDIAN % ("bigroot", 2, 2)
              + "; ph=" + _MEDIAN % ("noroot", 3, 3) + "; pb=" + _MEDIAN % ("bigroot", 3, 3) + "; "
              "echo \"median_ms noroot=$th bigroot=$tb pages_at_main noroot=$ph bigroot=$pb "
              "ratio=$(awk \"BEGIN {printf \\\"%.2f\\\", $tb / $th}\")\"; "
              "[ $((pb - ph)) -le 2 ] && [ $((ph - pb)) -le 2 ] || { echo 'RAM pages differ'; exit 1; }",
              0, ["KiB, read-only at 0x800000000", "median_ms noroot="], timeout=120))
