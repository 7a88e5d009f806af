/**
 * Aldis wire protocol v1: frame types and records, error codes, capability bits and versions.
 * {@code docs/protocol.md} is the normative specification.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.2.0")
package io.aldis.protocol.api;
