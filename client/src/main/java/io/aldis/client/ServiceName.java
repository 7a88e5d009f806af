package io.aldis.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The remote service name of an interface used with {@link AldisClient#proxy(Class)} and
 * {@link AldisClient#provide(String, Object)}. Without it the name is the interface's simple
 * name with a lower-case first letter ({@code Calculator} → {@code calculator}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ServiceName {
    /** The service name, dot-separated tokens of letters, digits, {@code _} and {@code -}. */
    String value();
}
