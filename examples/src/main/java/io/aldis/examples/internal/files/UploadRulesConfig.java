package io.aldis.examples.internal.files;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of {@link UploadRules}, PID {@value UploadRules#PID}. */
@ObjectClassDefinition(name = "Aldis examples: upload rules",
        description = "Which uploads the example transfer policy refuses")
public @interface UploadRulesConfig {
    @AttributeDefinition(description = "File name extensions refused, without the dot, compared without regard to case")
    String[] refusedExtensions() default {"exe", "bat", "cmd", "com", "scr", "msi", "vbs"};

    @AttributeDefinition(description = "The largest upload allowed, in MiB; 0 allows any size the node allows")
    long maxUploadMiB() default 512;
}
