package io.aldis.feature.rpc.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A number that must be less than or equal to {@link #value()}; {@code null} passes. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface Max {
    /** The largest value allowed. */
    long value();

    /** The reason reported when the constraint fails; empty for the default. */
    String message() default "";
}
