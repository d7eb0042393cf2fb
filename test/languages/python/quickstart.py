"""The README's quickstart in Python (examples/quickstart.ts, line for line)."""
from cdk8s import App, Chart, Duration
from cdk8s_istio import BookinfoApp, Canary, HttpMatch, RequestTimeout, StringMatch
from cdk8s_istio import HttpRouteOptions, MeshService, RouteDestination, ServiceRoute

app = App()
chart = Chart(app, "bookinfo")
bookinfo = BookinfoApp(chart, "bookinfo", namespace="bookinfo")

# reviews: 10% to v2, iPhone users always on v2, and a 0.8 s timeout: one VirtualService
Canary(chart, "reviews-canary",
       service=bookinfo.reviews, stable="v1", canary="v2", canary_weight=10,
       canary_match=[HttpMatch.header("user-agent", StringMatch.regex(".*iPhone.*"))])
RequestTimeout(chart, "reviews-timeout", service=bookinfo.reviews, timeout=Duration.millis(800))

# a service whose workloads and DestinationRule live elsewhere, with the subsets it defines
payments = MeshService.from_host("payments", namespace="shop", subsets=["v1", "v2"])
ServiceRoute(chart, "payments",
             service=payments,
             routes=[HttpRouteOptions(destinations=[RouteDestination(subset="v1", weight=80), RouteDestination(subset="v2", weight=20)],
                                      timeout=Duration.seconds(3))])
app.synth()
