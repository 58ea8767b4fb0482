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
    ShellCase("hello's guest RAM gets small pages under THP always",
              "cat /sys/kernel/mm/transparent_hugepage/enabled; "
              "./duet run --verbose apps/hello.duet.elf 2>/tmp/v.err >/dev/null || exit 1; "
              "grep 'count guest' /tmp/v.err; "
              "n=$(awk '/resident at exit/ {print $NF}' /tmp/v.err); "
              "[ -n \"$n\" ] && [ \"$n\" -gt 0 ] && [ \"$n\" -lt 512 ] || exit 1; "
              # L1, the devices' L2, RAM's L2 and the image's L3: the rest of
              # RAM is blocks, so no more than four table pages.
              "t=$(awk '/page-table pages/ {print $NF}' /tmp/v.err); "
              "[ -n \"$t\" ] && [ \"$t\" -ge 3 ] && [ \"$t\" -le 4 ]",
              0, ["[always]", "resident at main()", "page-table pages", "resident at exit"]),
    # RAM ending in a partial GiB past the first: mapped through one more
    # level-2 table (it used to be left out, so the heap's top faulted).
    ShellCase("hello with RAM ending inside its second GiB: one more table, blocks",
              "./duet run --verbose --mem=1100M apps/hello.duet.elf 2>/tmp/v2.err || exit 1; "
              "grep 'page-table pages' /tmp/v2.err; "
              "t=$(awk '/page-table pages/ {print $NF}' /tmp/v2.err); [ \"$t\" = 5 ]",
              0, ["Hello from Duet", "page-table pages"]),
]
