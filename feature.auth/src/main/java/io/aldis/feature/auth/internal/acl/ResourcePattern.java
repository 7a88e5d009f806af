package io.aldis.feature.auth.internal.acl;

/**
 * A compiled resource pattern of one domain. Besides matching a concrete resource, a pattern can
 * be compared with another pattern of the same domain, which is what
 * {@link io.aldis.protocol.api.spi.auth.Authorizer#permitsAll} needs. Both comparisons may err, but only on the
 * safe side: {@link #covers} may answer false for a pattern it does cover, {@link #overlaps} may
 * answer true for a pattern it does not overlap; never the reverse.
 */
sealed interface ResourcePattern permits SubjectPattern, MethodPattern, PathPattern {
    /** The pattern as written. */
    String text();

    /** Whether the concrete resource is matched. Never allocates. */
    boolean matches(String resource);

    /** Whether every resource {@code requested} can match is matched by this pattern. */
    boolean covers(ResourcePattern requested);

    /** Whether some resource may be matched by both this pattern and {@code requested}. */
    boolean overlaps(ResourcePattern requested);
}
