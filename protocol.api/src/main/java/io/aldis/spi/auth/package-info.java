/**
 * Authentication SPI: mechanisms are OSGi services the node offers to clients by name
 * (SCRAM-SHA-256, PLAIN, ...). The node runs the exchange, throttles failures and issues resume
 * tokens; a mechanism only judges the messages of one attempt.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.aldis.spi.auth;
