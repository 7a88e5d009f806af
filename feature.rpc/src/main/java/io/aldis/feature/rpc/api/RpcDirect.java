package io.aldis.feature.rpc.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that sets {@value RpcConstants#DIRECT} to {@code true}: the exported
 * methods never block, so the node runs them on the I/O thread that read the call. Use it only
 * for methods that compute their answer at once or return a
 * {@link java.util.concurrent.CompletionStage} completed elsewhere.
 */
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface RpcDirect {
    /** Prefix that turns this annotation's name into the property {@value RpcConstants#DIRECT}. */
    String PREFIX_ = "aldis.";
}
