package io.aldis.examples.api;

import io.aldis.feature.rpc.api.Max;
import io.aldis.feature.rpc.api.Min;
import io.aldis.feature.rpc.api.Pattern;
import io.aldis.feature.rpc.api.Required;
import io.aldis.feature.rpc.api.Size;

/**
 * One order, as a caller sends it. Each component carries the constraints the node checks
 * before {@link Orders#place} runs; a violated one is reported under its path, such as
 * {@code order.quantity}, with the reason given here or the node's standard one.
 *
 * @param sku      the article, three capital letters, a dash and four digits ({@code TEA-0001})
 * @param quantity how many, 1 to {@value #MAX_QUANTITY}
 * @param customer who orders, 1 to 64 characters
 * @param note     an optional note of at most 200 characters
 */
public record Order(
        @Required @Pattern(value = "[A-Z]{3}-[0-9]{4}", message = "must look like TEA-0001") String sku,
        @Min(1) @Max(MAX_QUANTITY) int quantity,
        @Required @Size(min = 1, max = 64) String customer,
        @Size(max = 200) String note) {

    /** The most one order may ask for. */
    public static final int MAX_QUANTITY = 100;
}
