/**
 * Authentication SPI: mechanisms are OSGi services the node offers to clients by name
 * (SCRAM-SHA-256, PLAIN, ...). The node runs the exchange, throttles failures and issues resume
 * tokens; a mechanism only judges the messages of one attempt. The store of users tells the node
 * through {@link io.aldis.protocol.api.spi.auth.CredentialRevocation} when a user's credentials change.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.aldis.protocol.api.spi.auth;
