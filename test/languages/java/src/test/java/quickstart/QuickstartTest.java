package quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.cdk8sistio.BookinfoApp;
import io.github.cdk8sistio.BookinfoAppProps;
import io.github.cdk8sistio.Canary;
import io.github.cdk8sistio.CanaryProps;
import org.cdk8s.App;
import org.cdk8s.Chart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart from Java synthesizes the YAML the TypeScript quickstart does, byte for byte. */
class QuickstartTest {
  @Test
  void equalsTheTypeScriptQuickstart(@TempDir Path outdir) throws Exception {
    Quickstart.synth(outdir.toString());
    String java = Files.readString(outdir.resolve("bookinfo.k8s.yaml"));
    String typescript = Files.readString(Path.of(System.getenv("TS_QUICKSTART_YAML")));
    assertEquals(typescript, java);
    assertTrue(java.contains("weight: 90") && java.contains("regex: .*iPhone.*") && java.contains("timeout: 0.8s"));
  }

  @Test
  void aBadPropIsAnErrorNamingIt() {
    Chart chart = new Chart(new App(), "bookinfo");
    BookinfoApp bookinfo = new BookinfoApp(chart, "bookinfo", BookinfoAppProps.builder().namespace("bookinfo").build());
    RuntimeException error = assertThrows(RuntimeException.class, () -> new Canary(chart, "reviews",
        CanaryProps.builder().service(bookinfo.getReviews()).stable("v1").canary("v2").canaryWeight(120).build()));
    assertTrue(error.getMessage().contains("'canaryWeight' must be an integer between 0 and 100, got 120"), error.getMessage());
  }
}
