/**
 * The JSON parameters of an RPC call turned into the arguments of a Java method, one algorithm
 * for the node (calls of OSGi services, and calls of client-provided services checked against
 * their descriptor) and for the Java client (services it provides): a JSON array gives the
 * parameters by position, a JSON object by name, and a method with one parameter of an object type
 * may take the object as that parameter itself. Decoding is strict (no silent coercions, no null
 * for a primitive, unknown fields refused when asked) and every error is reported with its path
 * ({@code order.items[2].quantity}) and a reason in the protocol's words, never a library's.
 *
 * <p>This package needs Jackson (databind) at run time; the rest of the bundle does not. Its
 * import is optional, so a framework without Jackson still resolves the API bundle, and these
 * classes load Jackson only when first used. The signatures here carry only JDK types.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.aldis.protocol.api.params;
