package io.aldis.feature.rpc.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The length of a string, or the number of elements of a collection, map or array, must lie
 * between {@link #min()} and {@link #max()} inclusive; {@code null} passes.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface Size {
    /** The smallest size allowed. */
    int min() default 0;

    /** The largest size allowed. */
    int max() default Integer.MAX_VALUE;

    /** The reason reported when the constraint fails; empty for the default. */
    String message() default "";
}
