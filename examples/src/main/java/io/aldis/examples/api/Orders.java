package io.aldis.examples.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * An order desk, exported by the examples bundle as the remote service {@value #SERVICE}: the
 * node makes every method of this interface callable as {@code examples.orders.<method>}.
 */
@ProviderType
public interface Orders {
    /** The name the methods are called under ({@code examples.orders.place}). */
    String SERVICE = "examples.orders";

    /**
     * Places an order. The node has checked every constraint of {@link Order} before this runs.
     * Called with one JSON object (the order itself, or {@code {"order": {...}}}) or an array
     * holding it.
     *
     * @param order the order, valid by its constraints
     * @return the receipt, with a new order number
     */
    Receipt place(Order order);
}
