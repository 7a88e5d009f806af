package io.aldis.feature.cluster.internal.membership;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns the cluster's name and shared secret into the name Hazelcast checks when a member asks to
 * join. The open-source Hazelcast has no member authentication (that is an Enterprise feature);
 * what it does check is that a joining member names the same cluster, and refuses it otherwise.
 * Naming the cluster by a digest of name and secret makes that check a check of the secret.
 *
 * <p>What this protects: a node configured with another secret, or none, never joins (nor does a
 * Hazelcast client that does not know the digest), and the secret itself never travels. What it
 * does not protect: the digest travels in clear in every join request, and traffic between members
 * is not encrypted, so whoever can read that traffic can join and read the messages. Keep the
 * member port on a network only the members reach.
 */
public final class ClusterSecret {
    private ClusterSecret() {
    }

    /** The name Hazelcast checks: the cluster's name and a SHA-256 of name and secret. */
    public static String hazelcastClusterName(String name, String secret) {
        return name + "-" + HexFormat.of().formatHex(digest("aldis-cluster", name, secret));
    }

    /**
     * The key members prove they know the secret with when they open a link to each other for
     * messages and calls ({@code links} package): a SHA-256 of name and secret apart from the one
     * above, which travels in clear.
     */
    public static byte[] linkKey(String name, String secret) {
        return digest("aldis-link", name, secret);
    }

    private static byte[] digest(String purpose, String name, String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(purpose.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(secret.getBytes(StandardCharsets.UTF_8));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
