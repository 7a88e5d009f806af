/**
 * Node SPI: sessions as features see them, the whiteboard through which feature bundles handle
 * frame types and contribute capabilities, the registry operators use to inspect sessions, the
 * store of resume tokens a feature may provide to share them among nodes, and the book of the
 * cluster's client addresses the node passes on to its clients.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.10.0")
package io.aldis.protocol.api.spi.node;
