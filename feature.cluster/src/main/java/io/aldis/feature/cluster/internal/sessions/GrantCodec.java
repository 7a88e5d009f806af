package io.aldis.feature.cluster.internal.sessions;

import io.aldis.protocol.api.spi.node.ResumeGrant;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A {@link ResumeGrant} as the text kept in the cluster: key, issue time, expiry, roles and the
 * user name, one per line. Roles are URL-encoded and separated by commas, since a role from a
 * JAAS realm may hold either; the key never holds a line break, and the user name, last, may hold
 * anything.
 */
final class GrantCodec {
    private GrantCodec() {
    }

    static String encode(ResumeGrant grant) {
        return grant.key() + "\n" + grant.issuedAt() + "\n" + grant.expiresAt() + "\n"
                + grant.roles().stream().map(r -> URLEncoder.encode(r, StandardCharsets.UTF_8))
                        .collect(Collectors.joining(",")) + "\n" + grant.user();
    }

    static ResumeGrant decode(String text) {
        String[] parts = text.split("\n", 5);
        if (parts.length != 5) {
            throw new IllegalArgumentException("not a resume grant: " + parts.length + " lines");
        }
        Set<String> roles = parts[3].isEmpty() ? Set.of()
                : java.util.Arrays.stream(parts[3].split(",")).map(r -> URLDecoder.decode(r, StandardCharsets.UTF_8))
                        .collect(Collectors.toSet());
        return new ResumeGrant(parts[0], parts[4], roles, Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }
}
