package io.aldis.feature.pubsub.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type for a {@link MessageHandler}: {@code @MessageType("orders.create")}
 * on a DS component sets the {@value MessageHandler#TYPE} service property.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface MessageType {
    /** Prefix that, with the annotation's name, gives the property {@value MessageHandler#TYPE}. */
    String PREFIX_ = "aldis.";

    /** The message types served. */
    String[] value();
}
