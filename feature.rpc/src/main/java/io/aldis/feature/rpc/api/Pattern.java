package io.aldis.feature.rpc.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A string that must match the regular expression {@link #value()} as a whole; {@code null} passes. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface Pattern {
    /** The regular expression, in {@link java.util.regex.Pattern} syntax. */
    String value();

    /** The reason reported when the constraint fails; empty for the default. */
    String message() default "";
}
