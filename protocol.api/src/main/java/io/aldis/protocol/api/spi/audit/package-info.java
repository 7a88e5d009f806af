/**
 * The node's audit trail: one log line (logger {@code io.aldis.audit}) per change an operator
 * makes, naming who made it. Every bundle that carries commands which change users, permissions
 * or sessions writes to it, so the trail reads the same whatever feature wrote a line.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.aldis.protocol.api.spi.audit;
