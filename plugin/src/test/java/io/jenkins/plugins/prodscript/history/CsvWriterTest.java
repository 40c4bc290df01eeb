package io.jenkins.plugins.prodscript.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CsvWriterTest {
    @Test
    void plainCellsStayAsTheyAre() {
        assertEquals("fixes/2024-accounts.sql", CsvWriter.cell("fixes/2024-accounts.sql"));
        assertEquals("", CsvWriter.cell(null));
    }

    @Test
    void separatorsQuotesAndLineBreaksAreQuoted() {
        assertEquals("\"a,b\"", CsvWriter.cell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", CsvWriter.cell("say \"hi\""));
        assertEquals("\"two\nlines\"", CsvWriter.cell("two\nlines"));
    }

    @Test
    void cellsASpreadsheetWouldEvaluateStayText() {
        assertEquals("'=HYPERLINK(A1)", CsvWriter.cell("=HYPERLINK(A1)"));
        assertEquals("'+1", CsvWriter.cell("+1"));
        assertEquals("'-1", CsvWriter.cell("-1"));
        assertEquals("'@SUM(A1)", CsvWriter.cell("@SUM(A1)"));
        assertEquals("'\tx", CsvWriter.cell("\tx"));
        assertEquals("\"'=1,2\"", CsvWriter.cell("=1,2"));
    }

    @Test
    void rowsEndWithCrLf() throws IOException {
        StringWriter out = new StringWriter();
        new CsvWriter(out).row(Arrays.asList("a", null, "c"));
        assertEquals("a,,c\r\n", out.toString());
    }
}
