package io.aldis.feature.cluster.internal.routing;

import io.aldis.feature.pubsub.spi.Interest;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node's interest as the text it publishes in the replicated map: one line per interest, the
 * queue group (empty for none), a tab, the pattern. Neither may hold a tab or a line break, which
 * pub/sub's rules for subjects and group names already forbid.
 */
public final class InterestCodec {
    private InterestCodec() {
    }

    public static String encode(Set<Interest> interest) {
        Set<String> lines = new TreeSet<>();
        for (Interest i : interest) {
            lines.add(i.queueGroup() + "\t" + i.pattern());
        }
        return String.join("\n", lines);
    }

    public static Set<Interest> decode(String text) {
        Set<Interest> out = new HashSet<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String line : text.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab >= 0 && tab < line.length() - 1) {
                out.add(new Interest(line.substring(tab + 1), line.substring(0, tab)));
            }
        }
        return out;
    }
}
