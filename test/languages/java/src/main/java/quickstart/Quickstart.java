package quickstart;

import java.util.List;

import io.github.cdk8sistio.BookinfoApp;
import io.github.cdk8sistio.BookinfoAppProps;
import io.github.cdk8sistio.Canary;
import io.github.cdk8sistio.CanaryProps;
import io.github.cdk8sistio.HttpMatch;
import io.github.cdk8sistio.HttpRouteOptions;
import io.github.cdk8sistio.MeshService;
import io.github.cdk8sistio.MeshServiceOptions;
import io.github.cdk8sistio.RequestTimeout;
import io.github.cdk8sistio.RequestTimeoutProps;
import io.github.cdk8sistio.RouteDestination;
import io.github.cdk8sistio.ServiceRoute;
import io.github.cdk8sistio.ServiceRouteProps;
import io.github.cdk8sistio.StringMatch;
import org.cdk8s.App;
import org.cdk8s.AppProps;
import org.cdk8s.Chart;
import org.cdk8s.Duration;

/** The README's quickstart in Java (examples/quickstart.ts, line for line). */
public final class Quickstart {
  private Quickstart() {}

  /** Synthesizes the quickstart into {@code outdir}. */
  public static void synth(String outdir) {
    App app = new App(AppProps.builder().outdir(outdir).build());
    Chart chart = new Chart(app, "bookinfo");
    BookinfoApp bookinfo = new BookinfoApp(chart, "bookinfo", BookinfoAppProps.builder().namespace("bookinfo").build());

    // reviews: 10% to v2, iPhone users always on v2, and a 0.8 s timeout: one VirtualService
    new Canary(chart, "reviews-canary", CanaryProps.builder()
        .service(bookinfo.getReviews()).stable("v1").canary("v2").canaryWeight(10)
        .canaryMatch(List.of(HttpMatch.header("user-agent", StringMatch.regex(".*iPhone.*"))))
        .build());
    new RequestTimeout(chart, "reviews-timeout", RequestTimeoutProps.builder().service(bookinfo.getReviews()).timeout(Duration.millis(800)).build());

    // a service whose workloads and DestinationRule live elsewhere, with the subsets it defines
    MeshService payments = MeshService.fromHost("payments", MeshServiceOptions.builder().namespace("shop").subsets(List.of("v1", "v2")).build());
    new ServiceRoute(chart, "payments", ServiceRouteProps.builder()
        .service(payments)
        .routes(List.of(HttpRouteOptions.builder()
            .destinations(List.of(RouteDestination.builder().subset("v1").weight(80).build(), RouteDestination.builder().subset("v2").weight(20).build()))
            .timeout(Duration.seconds(3))
            .build()))
        .build());
    app.synth();
  }

  public static void main(String[] args) {
    synth(args.length > 0 ? args[0] : "dist");
  }
}
