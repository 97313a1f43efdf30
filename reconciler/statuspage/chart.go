package statuspage

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/vaultkeeper/vaultkeeper/reconciler/view"
	"github.com/vaultkeeper/vaultkeeper/state"
)

// ChartRuns is how many backup runs the chart shows, newest on the right.
const ChartRuns = 30

// Chart geometry, in SVG user units: a plot area with room for the axis labels.
const (
	chartW, chartH            = 760, 210
	padLeft, padRight         = 78, 78
	padTop, padBottom         = 26, 30
	plotW, plotH              = chartW - padLeft - padRight, chartH - padTop - padBottom
	failedMark        float64 = 5 // height of a failed run's marker at the base line
)

// chart is an SVG chart of set size (bars, left scale) and run duration (line, right scale)
// over a policy's last ChartRuns backup runs.
type chart struct {
	W, H                 int
	Left, Right          int     // x of the plot area's edges
	Top, Base, Mid       float64 // y of the plot area's top, base line and middle
	Bars                 []bar
	Line                 string // polyline points of the durations
	Dots                 []dot
	MaxSize, MaxDuration string
	First, Last          string // times of the oldest and newest run shown
	Runs, Failed         int
}

type bar struct {
	X, Y, W, H float64
	Failed     bool
	Title      string
}

type dot struct {
	X, Y   float64
	Failed bool
	Title  string
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

// newChart lays out the backup runs among runs (oldest first) in zone.
func newChart(runs []view.RunView, zone *time.Location) chart {
	var backups []view.RunView
	for _, r := range runs {
		if r.Kind == "backup" {
			backups = append(backups, r)
		}
	}
	if len(backups) > ChartRuns {
		backups = backups[len(backups)-ChartRuns:]
	}
	c := chart{W: chartW, H: chartH, Left: padLeft, Right: chartW - padRight, Top: padTop, Base: padTop + plotH, Mid: padTop + plotH/2.0, Runs: len(backups)}
	if len(backups) == 0 {
		return c
	}
	var maxSize int64
	var maxDur float64
	for _, r := range backups {
		maxSize = max(maxSize, r.SizeBytes)
		maxDur = max(maxDur, r.DurationSeconds)
	}
	c.MaxSize, c.MaxDuration = byteSize(maxSize), seconds(maxDur)
	c.First, c.Last = when(backups[0].Started, zone), when(backups[len(backups)-1].Started, zone)
	slot := float64(plotW) / ChartRuns
	var pts []string
	for i, r := range backups {
		x := float64(padLeft) + slot*float64(i)
		failed := r.Result != state.RunSucceeded
		if failed {
			c.Failed++
		}
		title := fmt.Sprintf("%s · %s · %s", when(r.Started, zone), r.Result, seconds(r.DurationSeconds))
		if r.SizeBytes > 0 {
			title += " · " + byteSize(r.SizeBytes)
		}
		if r.FailedStep != "" {
			title += " · failed at " + r.FailedStep
		}
		b := bar{X: round1(x + slot*0.15), W: round1(slot * 0.7), Failed: failed, Title: title}
		switch {
		case r.SizeBytes > 0 && maxSize > 0:
			b.H = round1(math.Max(1, float64(plotH)*float64(r.SizeBytes)/float64(maxSize)))
		case failed:
			b.H = failedMark
		}
		b.Y = round1(c.Base - b.H)
		if b.H > 0 {
			c.Bars = append(c.Bars, b)
		}
		y := c.Base
		if maxDur > 0 {
			y = c.Base - float64(plotH)*r.DurationSeconds/maxDur
		}
		d := dot{X: round1(x + slot/2), Y: round1(y), Failed: failed, Title: title}
		c.Dots = append(c.Dots, d)
		pts = append(pts, fmt.Sprintf("%g,%g", d.X, d.Y))
	}
	c.Line = strings.Join(pts, " ")
	return c
}
