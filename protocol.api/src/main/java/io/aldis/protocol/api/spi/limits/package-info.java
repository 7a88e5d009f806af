/**
 * Building blocks of the features' limits: {@link io.aldis.protocol.api.spi.limits.TokenBucket}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.aldis.protocol.api.spi.limits;
