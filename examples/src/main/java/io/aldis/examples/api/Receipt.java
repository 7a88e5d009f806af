package io.aldis.examples.api;

/**
 * What {@link Orders#place} answers.
 *
 * @param orderNumber a number no other order of this node got since the bundle started
 * @param sku         the article ordered
 * @param quantity    how many
 * @param customer    who ordered
 */
public record Receipt(long orderNumber, String sku, int quantity, String customer) {
}
