package io.aldis.examples.internal.files;

import io.aldis.feature.filetransfer.api.TransferPolicy;
import io.aldis.feature.filetransfer.api.TransferRequest;
import io.aldis.feature.filetransfer.api.Verdict;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * A {@link TransferPolicy}: refuses uploads whose names end in a refused extension (programs and
 * scripts by default) or that are larger than a limit of its own, below the node's. A virus
 * scanner or a business rule plugs in the same way.
 *
 * <p><b>How it is found.</b> Registering a {@link TransferPolicy} service is all it takes: the
 * file-transfer feature asks every registered policy before an upload or a download starts, after
 * its own checks (name, permission, size) passed. The first refusal wins, and its reason reaches
 * the client in UPLOAD_REJECT ({@code UPLOAD_REJECTED}, −713), so it is written for the user.
 * Downloads are not looked at here: the interface allows every download unless a policy says
 * otherwise.
 *
 * <p><b>Configuration.</b> PID {@value #PID} ({@link UploadRulesConfig}), applied live: a change
 * holds for the next request, transfers already running go on.
 *
 * <p><b>Threads.</b> Called on the feature's worker threads, possibly several at once: the rules
 * are one immutable object swapped as a whole.
 */
@Component(configurationPid = UploadRules.PID)
@Designate(ocd = UploadRulesConfig.class)
public final class UploadRules implements TransferPolicy {
    /** The configuration PID. */
    public static final String PID = "io.aldis.examples.files";

    private static final long MIB = 1024L * 1024;

    private volatile Rules rules;

    /** DS calls it with the configuration (its defaults when there is none). */
    @Activate
    public UploadRules(UploadRulesConfig config) {
        this.rules = Rules.of(config);
    }

    @Modified
    void modified(UploadRulesConfig config) {
        this.rules = Rules.of(config);
    }

    @Override
    public Verdict upload(TransferRequest request) {
        return rules.judge(request);
    }

    private record Rules(Set<String> refusedExtensions, long maxBytes) {
        static Rules of(UploadRulesConfig config) {
            if (config.maxUploadMiB() < 0) {
                throw new IllegalArgumentException("maxUploadMiB = " + config.maxUploadMiB() + ": must be 0 or more");
            }
            if (config.maxUploadMiB() > Long.MAX_VALUE / MIB) {
                throw new IllegalArgumentException("maxUploadMiB = " + config.maxUploadMiB() + ": too large");
            }
            // A .cfg line "refusedExtensions = exe,bat" reaches the annotation as one element.
            Set<String> extensions = Stream.of(config.refusedExtensions())
                    .flatMap(e -> Stream.of(e.split(",")))
                    .map(e -> e.strip().toLowerCase(Locale.ROOT))
                    .map(e -> e.startsWith(".") ? e.substring(1) : e)
                    .filter(e -> !e.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
            return new Rules(extensions, config.maxUploadMiB() * MIB);
        }

        Verdict judge(TransferRequest request) {
            String extension = extensionOf(request.name());
            if (refusedExtensions.contains(extension)) {
                return Verdict.refuse("files ending in ." + extension + " are not accepted here");
            }
            if (maxBytes > 0 && request.size() > maxBytes) {
                return Verdict.refuse("files larger than " + maxBytes / MIB + " MiB are not accepted here");
            }
            return Verdict.allow();
        }

        private static String extensionOf(String name) {
            String last = name.substring(name.lastIndexOf('/') + 1);
            int dot = last.lastIndexOf('.');
            return dot < 0 ? "" : last.substring(dot + 1).toLowerCase(Locale.ROOT);
        }
    }
}
