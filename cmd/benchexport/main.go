// Command benchexport measures the memory and the time of one report export on this machine:
//
//	go run ./cmd/benchexport -reports 100000
//
// It makes a throwaway Postgres database (as the tests do), inserts the reports directly with
// SQL (server-side, so the inserts cost this process no memory), then runs the BuildExport
// activity in Temporal's test activity environment (heartbeats included) and prints the
// duration, the peak resident set size of the process during the build (VmHWM, reset just
// before it), and the Go heap's peak, sampled from runtime.MemStats every 10 ms. Nothing of the
// build's output is kept unless -keep is given.
package main

import (
	"archive/zip"
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/google/uuid"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/benchkit"
	"github.com/keyclic/keyclic/internal/testkit"
)

func main() {
	n := flag.Int("reports", 100000, "reports to insert and export")
	every := flag.Int("image-every", 10, "one image on every n-th report (0: no images)")
	imageSize := flag.Int("image-size", 20000, "bytes per image")
	pageSize := flag.Int("page-size", activities.DefaultExportPageSize, "reports read per query")
	keep := flag.Bool("keep", false, "keep the archive (its path is printed) and the database")
	memprofile := flag.String("memprofile", "", "write a heap profile (allocation sites) of the build to this file")
	flag.Parse()

	ctx := context.Background()
	db, err := testkit.NewDatabase(ctx, "benchexport")
	if err != nil {
		log.Fatal(err)
	}
	if !*keep {
		defer db.Drop()
	}
	fail := func(err error) {
		if !*keep {
			db.Drop()
		}
		log.Fatal(err)
	}
	seed, err := testkit.NewExportSeed(ctx, db.Store)
	if err != nil {
		fail(err)
	}
	t0 := time.Now()
	if err := seed.InsertReports(ctx, db.Store, *n, testkit.SeedOptions{ImageEvery: *every, ImageSize: *imageSize}); err != nil {
		fail(err)
	}
	seeding := time.Since(t0)
	if _, err := db.Store.Pool.Exec(ctx, "ANALYZE"); err != nil {
		fail(err)
	}
	e, err := db.Store.CreateExport(ctx, domain.Export{ID: uuid.New(), OrganizationID: seed.Org, RequesterID: seed.Requester,
		Language: domain.English, CreatedAt: time.Now()})
	if err != nil {
		fail(err)
	}
	dir, err := os.MkdirTemp("", "benchexport-")
	if err != nil {
		fail(err)
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	quiet := slog.New(slog.DiscardHandler)
	acts := &activities.Activities{Store: db.Store, Mailer: activities.RecordingMailer{Log: quiet}, Log: quiet, Now: time.Now}
	acts.Exports = activities.ExportSettings{Dir: dir, PageSize: *pageSize}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(tlog.NewStructuredLogger(quiet))
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	rssBefore := benchkit.ProcStatus("VmRSS")
	resetPeakRSS := benchkit.ResetPeakRSS()
	peak := benchkit.SampleHeap(10 * time.Millisecond)

	t0 = time.Now()
	v, err := env.ExecuteActivity(acts.BuildExport, activities.BuildExportInput{ExportID: e.ID})
	took := time.Since(t0)
	heap := peak()
	if err != nil {
		fail(err)
	}
	var res activities.BuildExportResult
	if err := v.Get(&res); err != nil {
		fail(err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if *memprofile != "" {
		if err := writeHeapProfile(*memprofile); err != nil {
			fail(err)
		}
	}
	peakRSS := benchkit.ProcStatus("VmHWM")

	done, err := db.Store.ExportByID(ctx, e.ID)
	if err != nil {
		fail(err)
	}
	entries, xlsx := archiveEntries(done.FilePath)

	fmt.Printf("| measure | value |\n|---|---|\n")
	fmt.Printf("| reports exported | %d (%d with an image of %d bytes) |\n", res.Reports, imagesOf(*n, *every), *imageSize)
	fmt.Printf("| archive | %s (%d entries; reports.xlsx %s) |\n", mib(res.Size), entries, mib(xlsx))
	fmt.Printf("| build duration | %s (%.0f reports/s) |\n", took.Round(time.Millisecond), float64(res.Reports)/took.Seconds())
	if resetPeakRSS {
		fmt.Printf("| peak RSS during the build (VmHWM) | %s (RSS before: %s) |\n", kib(peakRSS), kib(rssBefore))
	} else {
		fmt.Printf("| peak RSS of the process (VmHWM, not resettable here) | %s (RSS before: %s) |\n", kib(peakRSS), kib(rssBefore))
	}
	fmt.Printf("| peak Go heap in use (HeapInuse, sampled) | %s (before: %s) |\n", mib(int64(heap.Inuse)), mib(int64(before.HeapInuse)))
	fmt.Printf("| peak Go memory from the OS (Sys) | %s |\n", mib(int64(heap.Sys)))
	fmt.Printf("| allocated in all during the build (TotalAlloc) | %s in %d GCs |\n", mib(int64(after.TotalAlloc-before.TotalAlloc)), after.NumGC-before.NumGC)
	fmt.Printf("| inserting the reports (SQL, server-side) | %s |\n", seeding.Round(time.Millisecond))
	if *keep {
		fmt.Printf("\narchive: %s\ndatabase: %s\n", done.FilePath, db.URL)
	}
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.WriteHeapProfile(f)
}

func imagesOf(n, every int) int {
	if every <= 0 {
		return 0
	}
	return n / every
}

func archiveEntries(path string) (entries int, xlsx int64) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		log.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name == "reports.xlsx" {
			xlsx = int64(f.UncompressedSize64)
		}
	}
	return len(zr.File), xlsx
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
func kib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/1024) }
