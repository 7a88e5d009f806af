package io.aldis.feature.rpc.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that exports a DS component's service interfaces as remote methods:
 * {@code @RpcService("calculator")} sets the {@value RpcConstants#SERVICE} property to
 * {@code calculator}.
 */
@ComponentPropertyType
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface RpcService {
    /** Prefix that turns this annotation's name into the property {@value RpcConstants#SERVICE}. */
    String PREFIX_ = "aldis.";

    /** The service name the methods are called under. */
    String value();
}
