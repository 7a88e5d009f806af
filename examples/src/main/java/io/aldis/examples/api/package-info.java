/**
 * The remote interfaces of the examples bundle and the records they take and return. They are
 * exported so that the types can be shared: a Java client with this jar on its class path can
 * decode results into them or get a typed proxy with {@code AldisClient.proxy(Orders.class)}, and
 * another bundle can call the services directly from the registry. Nothing in this package depends
 * on how the services are implemented.
 *
 * <p>The constraint annotations of {@code io.aldis.feature.rpc.api} on the records and parameters
 * are checked by the node before a method runs: a call that breaks one is answered with
 * {@code INVALID_PARAMS} and one field error per broken constraint, and the method never sees it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.aldis.examples.api;
