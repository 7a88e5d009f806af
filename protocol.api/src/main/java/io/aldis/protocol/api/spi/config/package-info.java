/**
 * Configuration SPI: reads the properties of a Config Admin configuration key by key, so that a
 * bad value is reported in one line naming the file (or PID), the key and the value, instead of
 * failing inside the framework with a stack trace.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.aldis.protocol.api.spi.config;
