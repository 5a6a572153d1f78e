-- +goose Up
-- A wall entry belongs to the application of the object it is about: another application's wall
-- neither lists it nor marks it. Entries about the account itself (object_type 'Person', the
-- welcome) happen outside any application (registration carries no X-Keyclic-App): they have
-- none, and show on the person's wall in every application. The CHECK keeps exactly those NULL.
ALTER TABLE notifications ADD COLUMN application_id uuid REFERENCES applications (id);

UPDATE notifications n SET application_id = f.application_id
    FROM feedbacks f WHERE n.object_type = 'Feedback' AND f.id = n.object_id;
UPDATE notifications n SET application_id = r.application_id
    FROM reports r WHERE n.object_type = 'Report' AND r.id = n.object_id;
UPDATE notifications n SET application_id = r.application_id
    FROM operations o JOIN reports r ON r.id = o.report_id WHERE n.object_type = 'Operation' AND o.id = n.object_id;

-- Feedbacks, reports and operations are never deleted, so every entry above finds its object. An
-- entry whose object is gone all the same (removed by hand) links to nothing and its application
-- cannot be known: it is dropped rather than shown in every application.
DELETE FROM notifications WHERE application_id IS NULL AND object_type <> 'Person';

ALTER TABLE notifications ADD CONSTRAINT notifications_application
    CHECK ((application_id IS NULL) = (object_type = 'Person'));

-- A push token is issued to one installation of one application: a device belongs to the
-- application it was registered through and receives that application's pushes (and the
-- account's own). Devices registered before this column have none: they keep receiving every
-- push, and any application may remove them, until the app registers its token again.
ALTER TABLE devices ADD COLUMN application_id uuid REFERENCES applications (id);

-- +goose Down
ALTER TABLE devices DROP COLUMN application_id;
ALTER TABLE notifications DROP CONSTRAINT notifications_application;
ALTER TABLE notifications DROP COLUMN application_id;
