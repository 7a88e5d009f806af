package io.aldis.itest.soak;

import java.util.List;
import java.util.Map;

/**
 * What a soak found: its samples, the actions done, the protocol's promises it saw broken, the
 * actions that failed unexpectedly, the Netty leak reports in the node's log and the ways the
 * samples were not {@link Flatness flat}.
 */
record SoakReport(List<Sample> samples, Map<String, Long> actions, long brokenCount, List<String> broken,
        long failedCount, Map<String, Long> failureKinds, List<String> failed, List<String> leaks, List<String> notFlat) {

    /** Whether nothing at all went wrong. */
    boolean clean() {
        return brokenCount == 0 && failedCount == 0 && leaks.isEmpty() && notFlat.isEmpty();
    }

    /** Everything that went wrong, one item a line. */
    String problems() {
        StringBuilder out = new StringBuilder();
        if (brokenCount > 0) {
            out.append(brokenCount).append(" broken promises, the first ones:\n");
            broken.forEach(b -> out.append("  ").append(b).append('\n'));
        }
        if (failedCount > 0) {
            out.append(failedCount).append(" actions failed: ").append(failureKinds).append("; the first of each kind:\n");
            failed.forEach(f -> out.append("  ").append(f).append('\n'));
        }
        if (!leaks.isEmpty()) {
            out.append(leaks.size()).append(" Netty leak reports in the node's log:\n");
            leaks.forEach(l -> out.append("  ").append(l).append('\n'));
        }
        notFlat.forEach(n -> out.append("not flat: ").append(n).append('\n'));
        return out.toString();
    }
}
