package io.lethe.audit;

import io.lethe.events.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * One request's proof of deletion as a PDF (A4): the request, the outcome per data type, the
 * residual check in words, and the timeline of audit events.
 *
 * <p>Shows ids, codes, counts and times only. The customer id is the one PII-like value, as
 * the proof must say whose data it concerns; no free-text field of an event (error codes,
 * bulk ids, required-type lists) is printed. The Standard 14 font Helvetica needs no font
 * file but encodes WinAnsi only: any other character (Greek, CJK, emoji, control characters)
 * is printed as {@code ?}, so an id in another script is recognisable by its shape only. Long
 * values wrap, never cut; a long timeline continues on further pages, its header repeated.
 * Not a signed document: it proves nothing the audit topic does not.
 */
public final class ProofDocument {

    private static final PDRectangle PAGE = PDRectangle.A4;
    private static final float MARGIN = 50;
    private static final float WIDTH = PAGE.getWidth() - 2 * MARGIN;
    private static final float BODY = 10;
    private static final float SMALL = 8.5f;
    private static final float LABEL_WIDTH = 110;
    private static final float[] COUNT_COLUMNS = {135, 75, 70, 70, 70, 75};
    private static final float[] TIMELINE_COLUMNS = {105, 95, 110, 90, 95};

    private ProofDocument() {
    }

    /**
     * @param proof       the request's proof, from {@link ProofOfDeletion#of} or {@link Report#proofs}
     * @param timeline    the request's audit events, printed in the given order
     * @param generatedAt when the document was made, printed on it
     * @return the PDF file's bytes
     */
    public static byte[] pdf(ProofOfDeletion proof, List<AuditEvent> timeline, Instant generatedAt) {
        try (PDDocument doc = new PDDocument()) {
            Layout out = new Layout(doc);
            out.paragraph("Proof of deletion", out.bold, 18);
            out.paragraph("Generated " + iso(generatedAt) + " from the Lethe audit trail. All times are UTC (ISO-8601).",
                    out.regular, SMALL);
            out.gap(6);
            out.field("Request id", proof.requestId());
            out.field("Tenant", proof.tenant());
            out.field("Customer id", proof.customerId());
            out.field("Scope", proof.scope());
            out.field("Item id", proof.itemId());
            out.field("Reason", proof.reason());
            out.field("Regulation", proof.regulation());
            out.field("Requested at", iso(proof.requestedAt()));
            out.field("Due at", iso(proof.dueAt()));
            out.field("Completed at", iso(proof.completedAt()));
            out.field("Status", proof.status());
            out.field("Verified", proof.verified() ? "yes" : "no");

            out.heading("Erasure per data type");
            List<String[]> counts = new ArrayList<>();
            for (ProofOfDeletion.DataTypeCounts t : proof.dataTypes()) {
                boolean ran = t.results() > 0;
                counts.add(new String[] {t.dataType(), text(t.taskStatus()), ran ? Long.toString(t.rowsScrubbed()) : "-",
                        ran ? Long.toString(t.rowsDeleted()) : "-", ran ? Long.toString(t.blobsDeleted()) : "-",
                        t.residual() == null ? "-" : Long.toString(t.residual())});
            }
            out.table(COUNT_COLUMNS, new String[] {"Data type", "Task status", "Rows scrubbed", "Rows deleted", "Blobs deleted",
                    "Residual"}, counts);
            out.gap(4);
            out.paragraph(residualOutcome(proof.dataTypes()), out.regular, BODY);

            out.heading("Timeline (" + timeline.size() + " audit event" + (timeline.size() == 1 ? "" : "s") + ")");
            List<String[]> lines = new ArrayList<>();
            for (AuditEvent e : timeline) {
                lines.add(new String[] {iso(e.getOccurredAt()), text(e.getType()), text(e.getDataType()), attempt(e),
                        text(e.getActor())});
            }
            out.table(TIMELINE_COLUMNS, new String[] {"Occurred at", "Event", "Data type", "Attempt / task", "Actor"}, lines);
            out.finish("Proof of deletion " + proof.requestId());

            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle("Proof of deletion " + proof.requestId());
            info.setCreator("Lethe");
            Calendar created = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
            created.setTimeInMillis(generatedAt.toEpochMilli());
            info.setCreationDate(created);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            doc.save(bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            // only in-memory streams are written: an IOException here is a bug, not an operational condition
            throw new UncheckedIOException("cannot render the proof of deletion", e);
        }
    }

    /** The residual check, per data type, in one sentence. */
    static String residualOutcome(List<ProofOfDeletion.DataTypeCounts> types) {
        if (types.isEmpty()) {
            return "Residual check: no data types were recorded for this request, so nothing was checked.";
        }
        List<String> remaining = new ArrayList<>();
        List<String> unchecked = new ArrayList<>();
        List<String> clean = new ArrayList<>();
        for (ProofOfDeletion.DataTypeCounts t : types) {
            if (t.residual() == null) {
                unchecked.add(t.dataType());
            } else if (t.residual() == 0) {
                clean.add(t.dataType());
            } else {
                remaining.add(t.dataType() + " (" + t.residual() + " left)");
            }
        }
        if (remaining.isEmpty() && unchecked.isEmpty()) {
            return "Residual check passed: after erasure no data was found for any of the " + types.size() + " data type"
                    + (types.size() == 1 ? "" : "s") + ".";
        }
        List<String> parts = new ArrayList<>();
        if (!remaining.isEmpty()) {
            parts.add("data was still found for " + String.join(", ", remaining));
        }
        if (!unchecked.isEmpty()) {
            parts.add("no check was reported for " + String.join(", ", unchecked));
        }
        if (!clean.isEmpty()) {
            parts.add("no data was found for " + String.join(", ", clean));
        }
        return "Residual check not passed: " + String.join("; ", parts) + ".";
    }

    private static String attempt(AuditEvent e) {
        if (e.getAttempt() == null && e.getTaskStatus() == null) {
            return "-";
        }
        if (e.getAttempt() == null) {
            return e.getTaskStatus().toString();
        }
        return e.getTaskStatus() == null ? e.getAttempt().toString() : e.getAttempt() + " / " + e.getTaskStatus();
    }

    private static String iso(Instant t) {
        return t == null ? "-" : t.toString();
    }

    private static String text(Object o) {
        return o == null ? "-" : o.toString();
    }

    /** Writes top to bottom, starting a new page when the next block does not fit. */
    private static final class Layout {

        private final PDDocument doc;
        private final PDFont regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        private final PDFont bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
        private final Map<PDFont, Map<Character, Boolean>> encodable = new HashMap<>();
        private PDPageContentStream page;
        private float y;

        Layout(PDDocument doc) throws IOException {
            this.doc = doc;
            newPage();
        }

        void paragraph(String text, PDFont font, float size) throws IOException {
            List<String> lines = wrap(safe(font, text), font, size, WIDTH);
            for (String line : lines) {
                room(leading(size));
                show(font, size, MARGIN, line);
                y -= leading(size);
            }
        }

        void heading(String text) throws IOException {
            gap(10);
            // keep a heading with at least two lines of what follows
            room(leading(12) + 3 * leading(SMALL));
            paragraph(text, bold, 12);
            gap(2);
        }

        void gap(float points) {
            y -= points;
        }

        void field(String label, String value) throws IOException {
            List<String> lines = wrap(safe(regular, value == null ? "-" : value), regular, BODY, WIDTH - LABEL_WIDTH);
            room(leading(BODY) * lines.size());
            show(bold, BODY, MARGIN, safe(bold, label));
            for (String line : lines) {
                show(regular, BODY, MARGIN + LABEL_WIDTH, line);
                y -= leading(BODY);
            }
        }

        /** A table whose cells wrap; the header row is repeated on every page the table spans. */
        void table(float[] widths, String[] header, List<String[]> rows) throws IOException {
            row(widths, header, bold, true);
            for (String[] r : rows) {
                List<List<String>> cells = cells(widths, r, regular);
                float height = height(cells);
                if (y - height < MARGIN) {
                    newPage();
                    row(widths, header, bold, true);
                }
                draw(widths, cells, regular);
            }
        }

        private void row(float[] widths, String[] values, PDFont font, boolean ruled) throws IOException {
            List<List<String>> cells = cells(widths, values, font);
            // a header alone at the bottom of a page is useless: keep one body row with it
            room(height(cells) + leading(SMALL) + 4);
            draw(widths, cells, font);
            if (ruled) {
                // just below the last line's descenders
                float rule = y + leading(SMALL) - SMALL * 0.4f;
                page.setLineWidth(0.5f);
                page.moveTo(MARGIN, rule);
                page.lineTo(MARGIN + sum(widths), rule);
                page.stroke();
                y -= 3;
            }
        }

        private List<List<String>> cells(float[] widths, String[] values, PDFont font) throws IOException {
            List<List<String>> cells = new ArrayList<>();
            for (int i = 0; i < widths.length; i++) {
                cells.add(wrap(safe(font, values[i] == null ? "-" : values[i]), font, SMALL, widths[i] - 6));
            }
            return cells;
        }

        private static float height(List<List<String>> cells) {
            return cells.stream().mapToInt(List::size).max().orElse(1) * leading(SMALL);
        }

        private void draw(float[] widths, List<List<String>> cells, PDFont font) throws IOException {
            float x = MARGIN;
            for (int i = 0; i < widths.length; i++) {
                float lineY = y;
                for (String line : cells.get(i)) {
                    showAt(font, SMALL, x, lineY, line);
                    lineY -= leading(SMALL);
                }
                x += widths[i];
            }
            y -= height(cells);
        }

        /** Page numbers and the document's name in every page's footer, once the page count is known. */
        void finish(String name) throws IOException {
            page.close();
            page = null;
            int pages = doc.getNumberOfPages();
            for (int i = 0; i < pages; i++) {
                try (PDPageContentStream footer = new PDPageContentStream(doc, doc.getPage(i),
                        PDPageContentStream.AppendMode.APPEND, true, true)) {
                    // the page number first: a long request id may not fit on the line
                    List<String> lines = wrap(safe(regular, "Page " + (i + 1) + " of " + pages + "  -  " + name), regular, 7, WIDTH);
                    footer.beginText();
                    footer.setFont(regular, 7);
                    footer.newLineAtOffset(MARGIN, MARGIN / 2);
                    footer.showText(lines.get(0));
                    footer.endText();
                }
            }
        }

        private void room(float height) throws IOException {
            if (y - height < MARGIN) {
                newPage();
            }
        }

        private void newPage() throws IOException {
            if (page != null) {
                page.close();
            }
            PDPage p = new PDPage(PAGE);
            doc.addPage(p);
            page = new PDPageContentStream(doc, p);
            y = PAGE.getHeight() - MARGIN - BODY;
        }

        private void show(PDFont font, float size, float x, String text) throws IOException {
            showAt(font, size, x, y, text);
        }

        private void showAt(PDFont font, float size, float x, float atY, String text) throws IOException {
            page.beginText();
            page.setFont(font, size);
            page.newLineAtOffset(x, atY);
            page.showText(text);
            page.endText();
        }

        /** {@code text} with every character the font cannot encode replaced by {@code ?}. */
        private String safe(PDFont font, String text) {
            Map<Character, Boolean> known = encodable.computeIfAbsent(font, f -> new HashMap<>());
            StringBuilder b = new StringBuilder(text.length());
            text.codePoints().forEach(cp -> {
                boolean ok = Character.isBmpCodePoint(cp) && !Character.isISOControl(cp)
                        && known.computeIfAbsent((char) cp, c -> canEncode(font, c));
                b.append(ok ? (char) cp : '?');
            });
            return b.toString();
        }

        private static boolean canEncode(PDFont font, char c) {
            try {
                font.encode(String.valueOf(c));
                return true;
            } catch (IllegalArgumentException | IOException e) {
                return false;
            }
        }

        /** Greedy wrap at spaces; a word wider than the line is broken where it overflows. */
        private static List<String> wrap(String text, PDFont font, float size, float width) throws IOException {
            List<String> lines = new ArrayList<>();
            String rest = text;
            while (!rest.isEmpty()) {
                int fit = fitting(rest, font, size, width);
                if (fit >= rest.length()) {
                    lines.add(rest);
                    break;
                }
                int space = rest.lastIndexOf(' ', fit);
                int cut = space > 0 ? space : fit;
                lines.add(rest.substring(0, cut).stripTrailing());
                rest = rest.substring(cut).stripLeading();
            }
            return lines.isEmpty() ? List.of("") : lines;
        }

        /** How many leading characters fit in {@code width}; at least one, so wrapping always advances. */
        private static int fitting(String text, PDFont font, float size, float width) throws IOException {
            float used = 0;
            for (int i = 0; i < text.length(); i++) {
                used += font.getStringWidth(text.substring(i, i + 1)) / 1000 * size;
                if (used > width) {
                    return Math.max(1, i);
                }
            }
            return text.length();
        }

        private static float leading(float size) {
            return size * 1.35f;
        }

        private static float sum(float[] widths) {
            float s = 0;
            for (float w : widths) {
                s += w;
            }
            return s;
        }
    }
}
