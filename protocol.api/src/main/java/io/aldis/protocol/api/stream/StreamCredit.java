package io.aldis.protocol.api.stream;

import io.aldis.protocol.api.CreditMode;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How a streaming method counts credit (docs/protocol.md 6.4.3): put on a method that returns or
 * takes a {@code java.util.concurrent.Flow.Publisher}, on an OSGi service the node exports or on
 * a service a Java client provides. Without it a streaming method counts items, with a high-water
 * mark of {@value #DEFAULT_ITEMS_HIGH_WATER_MARK} for the items it receives.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface StreamCredit {
    /** The high-water mark in {@code items} mode when none is given. */
    int DEFAULT_ITEMS_HIGH_WATER_MARK = 64;

    /** The unit of credit, for both directions of the method's stream. */
    CreditMode mode() default CreditMode.ITEMS;

    /**
     * The method's high-water mark for the items it receives (a streamed parameter), in the
     * mode's unit; at most that much of the caller's items is ever held for one call. 0 means
     * {@value #DEFAULT_ITEMS_HIGH_WATER_MARK} in {@code items} mode; in {@code bytes} and
     * {@code custom} mode a method with a streamed parameter must give it.
     */
    int highWaterMark() default 0;

    /**
     * The name of the size function in {@code custom} mode (a {@link SizeFunction} both sides
     * know); empty otherwise.
     */
    String sizeFunction() default "";
}
