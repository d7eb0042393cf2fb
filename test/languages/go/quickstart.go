// Package quickstart is the README's quickstart in Go (examples/quickstart.ts, line for line), against the
// locally built binding (build/packages/go, a replace directive of npm run test:languages).
package quickstart

import (
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-istio/cdk8s-istio-go/cdk8sistio"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// Synth synthesizes the quickstart into outdir.
func Synth(outdir string) {
	app := cdk8s.NewApp(&cdk8s.AppProps{Outdir: jsii.String(outdir)})
	chart := cdk8s.NewChart(app, jsii.String("bookinfo"), nil)
	bookinfo := cdk8sistio.NewBookinfoApp(chart, jsii.String("bookinfo"), &cdk8sistio.BookinfoAppProps{Namespace: jsii.String("bookinfo")})

	// reviews: 10% to v2, iPhone users always on v2, and a 0.8 s timeout: one VirtualService
	cdk8sistio.NewCanary(chart, jsii.String("reviews-canary"), &cdk8sistio.CanaryProps{
		Service: bookinfo.Reviews(), Stable: jsii.String("v1"), Canary: jsii.String("v2"), CanaryWeight: jsii.Number(10),
		CanaryMatch: &[]cdk8sistio.HttpMatch{cdk8sistio.HttpMatch_Header(jsii.String("user-agent"), cdk8sistio.StringMatch_Regex(jsii.String(".*iPhone.*")))},
	})
	cdk8sistio.NewRequestTimeout(chart, jsii.String("reviews-timeout"), &cdk8sistio.RequestTimeoutProps{Service: bookinfo.Reviews(), Timeout: cdk8s.Duration_Millis(jsii.Number(800))})

	// a service whose workloads and DestinationRule live elsewhere, with the subsets it defines
	payments := cdk8sistio.MeshService_FromHost(jsii.String("payments"), &cdk8sistio.MeshServiceOptions{Namespace: jsii.String("shop"), Subsets: jsii.Strings("v1", "v2")})
	cdk8sistio.NewServiceRoute(chart, jsii.String("payments"), &cdk8sistio.ServiceRouteProps{
		Service: payments,
		Routes: &[]*cdk8sistio.HttpRouteOptions{{
			Destinations: &[]*cdk8sistio.RouteDestination{{Subset: jsii.String("v1"), Weight: jsii.Number(80)}, {Subset: jsii.String("v2"), Weight: jsii.Number(20)}},
			Timeout:      cdk8s.Duration_Seconds(jsii.Number(3)),
		}},
	})
	app.Synth()
}
