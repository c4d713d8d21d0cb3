package org.echorec.model.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a file of (user, item, timestamp) interactions into {@link Interactions}, streaming it line
 * by line. Ids stay opaque tokens (strings): "007" and "7" are different users, as in RecBole.
 * Where the file has no timestamps the line order stands in for time.
 */
public final class InteractionReader {
    private InteractionReader() {}

    /** The file layouts understood. */
    public enum Format {
        /** Chosen from the file name, see {@link #detect(Path)}. */
        AUTO,
        /**
         * RecBole atomic file: tab-separated with a typed header such as
         * {@code user_id:token  item_id:token  rating:float  timestamp:float}; the columns are found by
         * field name ({@code user_id}, {@code item_id}, optional {@code timestamp}), in any order.
         */
        ATOMIC,
        /** MovieLens 1M/10M {@code ratings.dat}: {@code user::item::rating::timestamp}, no header. */
        MOVIELENS_DAT,
        /** MovieLens {@code ratings.csv}: header {@code userId,movieId,rating,timestamp}, columns found by name. */
        MOVIELENS_CSV,
        /** Whitespace-separated {@code user item [timestamp]}; blank lines and {@code #} comments skipped. */
        PLAIN;

        /** {@code .inter} atomic, {@code .dat} MovieLens dat, {@code .csv} MovieLens csv, anything else plain. */
        public static Format detect(Path file) {
            Path name = file.getFileName();
            String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".inter")) {
                return ATOMIC;
            } else if (lower.endsWith(".dat")) {
                return MOVIELENS_DAT;
            } else if (lower.endsWith(".csv")) {
                return MOVIELENS_CSV;
            }
            return PLAIN;
        }
    }

    public static Interactions read(Path file) {
        return read(file, Format.AUTO);
    }

    public static Interactions read(Path file, Format format) {
        Format resolved = format == Format.AUTO ? Format.detect(file) : format;
        // Decoding replaces bad bytes with U+FFFD, and each line is checked for it: a strict decoder
        // fails on a whole read-ahead buffer, which would name the wrong line.
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), 1 << 16)) {
            return new Parser(file, resolved, in).parse();
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new DataException(file + ": permission denied");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** How fields are separated on a line. */
    private enum Separator {
        TAB("tab-separated"), COMMA("comma-separated"), DOUBLE_COLON("'::'-separated"), WHITESPACE("whitespace-separated");

        final String description;

        Separator(String description) {
            this.description = description;
        }
    }

    /** One pass over one file; holds the line counter so every error can name the line. */
    private static final class Parser {
        private static final int MAX_FIELDS = 64;
        private static final char REPLACEMENT = '\uFFFD';

        private final Path file;
        private final Format format;
        private final BufferedReader in;
        private final InteractionsBuilder rows = new InteractionsBuilder();
        private final int[] starts = new int[MAX_FIELDS];
        private final int[] ends = new int[MAX_FIELDS];
        private long lineNumber;

        // The row layout: which fields hold what, and how many fields a line must have.
        private Separator separator;
        private int columns;
        private int userField;
        private int itemField;
        private int timeField = -1;

        // Most files list a user's rows together: comparing with the previous row's user in place
        // skips a substring and a hash lookup per row.
        private String previousUser;
        private int previousUserId = -1;

        Parser(Path file, Format format, BufferedReader in) {
            this.file = file;
            this.format = format;
            this.in = in;
        }

        Interactions parse() throws IOException {
            switch (format) {
                case ATOMIC -> readHeader(Separator.TAB, "user_id", "item_id", "timestamp");
                case MOVIELENS_CSV -> readHeader(Separator.COMMA, "userId", "movieId", "timestamp");
                case MOVIELENS_DAT -> {
                    separator = Separator.DOUBLE_COLON;
                    columns = 4;
                    userField = 0;
                    itemField = 1;
                    timeField = 3;
                }
                case PLAIN -> {
                    separator = Separator.WHITESPACE;
                    columns = -1; // decided by the first data line: 2 without timestamps, 3 with
                    userField = 0;
                    itemField = 1;
                }
                case AUTO -> throw new AssertionError("resolved before");
            }
            String line;
            while ((line = nextLine()) != null) {
                if (skippable(line)) {
                    continue;
                }
                readRow(line);
            }
            if (rows.size() == 0) {
                throw error(lineNumber + 1, lineNumber == 0 ? "empty file, no interactions"
                        : "no interactions in the file");
            }
            return rows.build(file, timeField >= 0);
        }

        private String nextLine() throws IOException {
            String line = in.readLine();
            if (line == null) {
                return null;
            }
            lineNumber++;
            if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte order mark, as some Windows tools write
            }
            // Free on the usual ASCII/Latin-1 lines: a compact string cannot hold U+FFFD.
            if (line.indexOf(REPLACEMENT) >= 0) {
                throw error(lineNumber, "not UTF-8 text (convert the file to UTF-8)");
            }
            return line;
        }

        private boolean skippable(String line) {
            int i = 0;
            while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            return i == line.length() || (format == Format.PLAIN && line.charAt(i) == '#');
        }

        private void readHeader(Separator sep, String userName, String itemName, String timeName) throws IOException {
            separator = sep;
            String header;
            do {
                header = nextLine();
                if (header == null) {
                    throw error(lineNumber + 1, lineNumber == 0 ? "empty file, no header and no interactions"
                            : "no header line, only blank lines");
                }
            } while (header.isBlank());
            int n = split(header);
            if (n > MAX_FIELDS) {
                throw error(lineNumber, "header has " + n + " fields, at most " + MAX_FIELDS + " are supported");
            }
            columns = n;
            List<String> names = new ArrayList<>(n);
            for (int f = 0; f < n; f++) {
                String field = header.substring(starts[f], ends[f]).strip();
                // Atomic headers are "name:type"; only the name matters here.
                int colon = field.indexOf(':');
                names.add(colon >= 0 ? field.substring(0, colon) : field);
            }
            userField = headerField(names, userName, true);
            itemField = headerField(names, itemName, true);
            timeField = headerField(names, timeName, false);
        }

        private int headerField(List<String> names, String wanted, boolean required) {
            int at = names.indexOf(wanted);
            if (at >= 0 && names.lastIndexOf(wanted) != at) {
                throw error(lineNumber, "header names the field '" + wanted + "' twice");
            }
            if (at < 0 && required) {
                throw error(lineNumber, "header has no '" + wanted + "' field (found: " + String.join(", ", names) + ")");
            }
            return at;
        }

        private void readRow(String line) {
            int n = split(line);
            if (columns < 0) {
                if (n != 2 && n != 3) {
                    throw error(lineNumber, "expected 'user item' or 'user item timestamp', found " + n + " fields");
                }
                columns = n;
                timeField = n == 3 ? 2 : -1;
            }
            if (n != columns) {
                String expected = switch (format) {
                    case ATOMIC, MOVIELENS_CSV -> columns + " " + separator.description + " columns as in the header";
                    case MOVIELENS_DAT -> "4 fields user::item::rating::timestamp";
                    default -> columns + " " + separator.description + " fields like the first line";
                };
                throw error(lineNumber, "expected " + expected + ", found " + n);
            }
            int user = userId(line);
            int item = rows.itemId(token(line, itemField, "item id"));
            double time;
            if (timeField >= 0) {
                time = Timestamps.parse(line, starts[timeField], ends[timeField]);
                if (Double.isNaN(time)) {
                    String text = line.substring(starts[timeField], ends[timeField]);
                    throw error(lineNumber, "timestamp '" + text + "' is not a finite number");
                }
            } else {
                time = rows.size(); // line order
            }
            rows.add(user, item, time);
        }

        private int userId(String line) {
            int s = starts[userField];
            int len = ends[userField] - s;
            if (previousUser != null && previousUser.length() == len && line.regionMatches(s, previousUser, 0, len)) {
                return previousUserId;
            }
            previousUserId = rows.userId(token(line, userField, "user id"));
            previousUser = rows.userToken(previousUserId);
            return previousUserId;
        }

        private String token(String line, int field, String what) {
            int s = starts[field];
            int e = ends[field];
            if (s == e) {
                throw error(lineNumber, "malformed line: empty " + what);
            }
            return line.substring(s, e);
        }

        /** Field boundaries into {@link #starts}/{@link #ends}; returns the field count, which may exceed what was recorded. */
        private int split(String line) {
            return switch (separator) {
                case TAB -> splitOn(line, '\t');
                case COMMA -> splitOn(line, ',');
                case DOUBLE_COLON -> splitOnDoubleColon(line);
                case WHITESPACE -> splitOnWhitespace(line);
            };
        }

        private int splitOn(String line, char sep) {
            int n = 0;
            int start = 0;
            int len = line.length();
            for (int i = 0; i <= len; i++) {
                if (i == len || line.charAt(i) == sep) {
                    if (n < MAX_FIELDS) {
                        starts[n] = start;
                        ends[n] = i;
                    }
                    n++;
                    start = i + 1;
                }
            }
            return n;
        }

        private int splitOnDoubleColon(String line) {
            int n = 0;
            int start = 0;
            while (true) {
                int at = line.indexOf("::", start);
                int end = at < 0 ? line.length() : at;
                if (n < MAX_FIELDS) {
                    starts[n] = start;
                    ends[n] = end;
                }
                n++;
                if (at < 0) {
                    return n;
                }
                start = at + 2;
            }
        }

        private int splitOnWhitespace(String line) {
            int n = 0;
            int len = line.length();
            int i = 0;
            while (true) {
                while (i < len && Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                if (i == len) {
                    return n;
                }
                int start = i;
                while (i < len && !Character.isWhitespace(line.charAt(i))) {
                    i++;
                }
                if (n < MAX_FIELDS) {
                    starts[n] = start;
                    ends[n] = i;
                }
                n++;
            }
        }

        private DataException error(long line, String problem) {
            return DataException.at(file, line, problem);
        }
    }
}
