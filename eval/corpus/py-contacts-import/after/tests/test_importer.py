import os
import tempfile
import unittest

from crm.importer import Contact, ContactImportError, load_contacts


class LoadContactsTest(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def write(self, name: str, text: str, encoding: str) -> str:
        path = os.path.join(self.dir.name, name)
        with open(path, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        return path

    def test_utf16_export_from_excel(self) -> None:
        text = "email,first_name,last_name\r\nZo\u00eb@Example.com,Zo\u00eb,M\u00fcller\r\n"
        path = self.write("x.csv", text, "utf-16")
        expected = Contact("zo\u00eb@example.com", "Zo\u00eb", "M\u00fcller")
        self.assertEqual(load_contacts(path), [expected])

    def test_utf8_with_bom(self) -> None:
        text = "email,first_name,last_name,company\nb@x.org,Bo,Kim,Acme\n"
        self.assertEqual(load_contacts(self.write("y.csv", text, "utf-8-sig"))[0].company, "Acme")

    def test_tab_separated(self) -> None:
        text = "email\tfirst_name\tlast_name\nc@x.org\tCy\tLo\n"
        self.assertEqual(load_contacts(self.write("z.tsv", text, "utf-8"))[0].last_name, "Lo")

    def test_missing_column(self) -> None:
        path = self.write("w.csv", "email,first_name\na@x.org,Al\n", "utf-8")
        with self.assertRaises(ContactImportError):
            load_contacts(path)
