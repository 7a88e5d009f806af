package io.aldis.client.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The documents show exactly the Java examples that {@link ReadmeExamples} compiles: each
 * {@code ```java} block of README.md and client/README.md, in order, is the next snippet marked
 * for that document, character for character once the source's indentation is taken off.
 */
class ReadmeExamplesTest {
    private static final String SNIPPET = "// snippet of ";
    private static final String END = "// end of snippet";
    private static final Path EXAMPLES = Path.of("client/src/test/java/io/aldis/client/readme/ReadmeExamples.java");

    @Test
    void theReadmeShowsTheCompiledExamples() throws IOException {
        assertDocumentShowsItsSnippets("README.md");
    }

    @Test
    void theClientReadmeShowsTheCompiledExamples() throws IOException {
        assertDocumentShowsItsSnippets("client/README.md");
    }

    @Test
    void snippetsAreReadWithTheirRelativeIndentationAndBlankLines() {
        List<String> source = List.of(
                "    void m() {",
                "        // snippet of doc.md",
                "        a()",
                "",
                "            .b();",
                "        // end of snippet",
                "    }");
        assertThat(snippets(source)).containsExactly(Map.entry("doc.md", "a()\n\n    .b();"));
        assertThat(javaBlocks(List.of("text", "```java", "x();", "```", "```", "not java", "```")))
                .containsExactly("x();");
    }

    private static void assertDocumentShowsItsSnippets(String document) throws IOException {
        Path root = repositoryRoot();
        List<String> shown = javaBlocks(Files.readAllLines(root.resolve(document)));
        List<String> compiled = snippets(Files.readAllLines(root.resolve(EXAMPLES))).stream()
                .filter(s -> s.getKey().equals(document))
                .map(Map.Entry::getValue)
                .toList();
        assertThat(compiled).as("snippets of %s in %s", document, EXAMPLES).isNotEmpty();
        assertThat(shown).as("the Java examples of %s, in order, against the snippets compiled in %s",
                document, EXAMPLES).containsExactlyElementsOf(compiled);
    }

    /** The directory holding the whole build, found upwards from where the tests run. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(EXAMPLES)) && Files.isRegularFile(dir.resolve("README.md"))) {
                return dir;
            }
        }
        throw new AssertionError("no directory above " + Path.of("").toAbsolutePath() + " holds " + EXAMPLES);
    }

    /** The contents of the document's {@code ```java} blocks. */
    static List<String> javaBlocks(List<String> lines) {
        List<String> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : lines) {
            if (block == null) {
                if (line.equals("```java")) {
                    block = new ArrayList<>();
                }
            } else if (line.equals("```")) {
                blocks.add(String.join("\n", block));
                block = null;
            } else {
                block.add(line);
            }
        }
        return blocks;
    }

    /** The marked snippets of a source, each with the document it belongs to, in source order. */
    static List<Map.Entry<String, String>> snippets(List<String> source) {
        List<Map.Entry<String, String>> found = new ArrayList<>();
        String document = null;
        List<String> snippet = new ArrayList<>();
        for (String line : source) {
            String trimmed = line.strip();
            if (document == null) {
                if (trimmed.startsWith(SNIPPET)) {
                    document = trimmed.substring(SNIPPET.length());
                    snippet.clear();
                }
            } else if (trimmed.equals(END)) {
                found.add(Map.entry(document, dedent(snippet)));
                document = null;
            } else {
                snippet.add(line);
            }
        }
        assertThat(document).as("a snippet without its end line").isNull();
        return found;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            out.add(line.isBlank() ? "" : line.substring(indent));
        }
        return String.join("\n", out);
    }
}
