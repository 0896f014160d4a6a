package monitoring

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

var dashboardName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// ServiceDashboardProps configures a ServiceDashboard.
type ServiceDashboardProps struct {
	// Name is the dashboard's name, e.g. prd-members. Required.
	Name string
	// Service is what the dashboard is about. Required.
	Service string
	// ErrorLines are the service's alerting log line counts, one metric per
	// cluster and level, labelled.
	ErrorLines []awscloudwatch.IMetric
	// Alarms are shown with their thresholds: its data store's, its log
	// line alarms.
	Alarms []*AlarmSet
}

// Validate reports every problem with the props.
func (p ServiceDashboardProps) Validate() error {
	var errs []error
	if !dashboardName.MatchString(p.Name) {
		errs = append(errs, fmt.Errorf("name: must be 1-255 letters, digits, - or _, got %q", p.Name))
	}
	if p.Service == "" {
		errs = append(errs, errors.New("service: required"))
	}
	return errors.Join(errs...)
}

// ServiceDashboard is one service's CloudWatch dashboard: its error lines
// per cluster, then every alarm on it with its threshold, so the on-call
// sees at once which cluster and which dependency.
type ServiceDashboard struct {
	constructs.Construct
	Dashboard awscloudwatch.Dashboard
}

// NewServiceDashboard provisions the dashboard; it panics on invalid props.
func NewServiceDashboard(scope constructs.Construct, id string, p ServiceDashboardProps) *ServiceDashboard {
	if err := p.Validate(); err != nil {
		panic(fmt.Errorf("%s/%s: %w", *scope.Node().Path(), id, err))
	}
	self := constructs.NewConstruct(scope, &id)
	widgets := []awscloudwatch.IWidget{
		awscloudwatch.NewTextWidget(&awscloudwatch.TextWidgetProps{
			Markdown: jsii.String(fmt.Sprintf("# %s\nError lines per cluster, then its alarms. Logs: Athena `app_logs` where service = '%s'.", p.Service, p.Service)),
			Width:    jsii.Number(24), Height: jsii.Number(2),
		}),
	}
	if len(p.ErrorLines) > 0 {
		widgets = append(widgets, awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
			Title: jsii.String("Error lines per 5 minutes"), Left: &p.ErrorLines, Width: jsii.Number(24), Height: jsii.Number(6),
		}))
	}
	for _, set := range p.Alarms {
		for _, a := range set.Alarms {
			widgets = append(widgets, awscloudwatch.NewAlarmWidget(&awscloudwatch.AlarmWidgetProps{
				Alarm: a, Title: a.AlarmName(), Width: jsii.Number(8), Height: jsii.Number(6),
			}))
		}
	}
	d := awscloudwatch.NewDashboard(self, jsii.String("Resource"), &awscloudwatch.DashboardProps{
		DashboardName: jsii.String(p.Name),
		Widgets:       &[]*[]awscloudwatch.IWidget{&widgets},
	})
	return &ServiceDashboard{Construct: self, Dashboard: d}
}
