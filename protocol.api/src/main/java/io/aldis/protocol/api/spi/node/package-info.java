/**
 * Node SPI: sessions as features see them, the whiteboard through which feature bundles handle
 * frame types and contribute capabilities, and the registry operators use to inspect sessions.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.7.0")
package io.aldis.protocol.api.spi.node;
