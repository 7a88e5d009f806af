package io.aldis.examples.internal.catalogue;

import java.util.Map;
import java.util.Optional;

/**
 * The articles the examples know, fixed so that the examples need no storage. A real bundle
 * would read them from a database or a service of its own.
 */
public final class Catalogue {
    private static final Map<String, String> NAMES = Map.of(
            "TEA-0001", "Green tea, 100 g",
            "CUP-0002", "Tea cup",
            "POT-0003", "Teapot, 1 l");

    private Catalogue() {
    }

    /** The name of the article with this SKU, or empty when the catalogue has no such article. */
    public static Optional<String> name(String sku) {
        return Optional.ofNullable(NAMES.get(sku));
    }
}
