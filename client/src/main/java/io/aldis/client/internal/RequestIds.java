package io.aldis.client.internal;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;

/**
 * Finds the request id a frame answers. Frame records of later features name that component
 * {@code requestId}; looking it up once per class keeps the client independent of which
 * features exist.
 */
final class RequestIds {
    private static final ClassValue<MethodHandle> ACCESSORS = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            if (!type.isRecord()) {
                return null;
            }
            for (RecordComponent component : type.getRecordComponents()) {
                if (component.getName().equals("requestId")
                        && (component.getType() == long.class || component.getType() == int.class)) {
                    try {
                        return MethodHandles.publicLookup().unreflect(component.getAccessor())
                                .asType(MethodType.methodType(long.class, Object.class));
                    } catch (IllegalAccessException e) {
                        return null;
                    }
                }
            }
            return null;
        }
    };

    private RequestIds() {
    }

    /** The request id the frame carries, or 0 when it carries none. */
    static long of(Frame frame) {
        if (frame instanceof ErrorFrame e) {
            return e.requestId();
        }
        if (frame instanceof Ack a) {
            return a.requestId();
        }
        if (frame instanceof Deliver) {
            return 0; // the most frequent frame by far, and one that answers nothing
        }
        MethodHandle accessor = ACCESSORS.get(frame.getClass());
        if (accessor == null) {
            return 0;
        }
        try {
            return (long) accessor.invokeExact((Object) frame);
        } catch (Throwable t) {
            return 0;
        }
    }
}
